package com.lockupguard.web;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a request's {@code Host}, or a URL's host, names this machine literally: {@code localhost} (or
 * {@code localhost.}), an address in 127.0.0.0/8 or {@code [::1]}, with any port. Names are never resolved: a name
 * that resolves to 127.0.0.1 is exactly what a DNS-rebinding page uses, and a name looked up again at each use may
 * not resolve there tomorrow.
 */
public final class LoopbackHost {

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern PORT = Pattern.compile(":\\d{1,5}$");

    private LoopbackHost() {
    }

    public static boolean named(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 && isIpv6Loopback(host.substring(1, end))
                    && (end == host.length() - 1 || PORT.matcher(host.substring(end + 1)).matches());
        }
        host = PORT.matcher(host).replaceFirst("");
        // "localhost." is the same name written whole (a root's dot), as some clients send it
        return host.equals("localhost") || host.equals("localhost.") || IPV4_LOOPBACK.matcher(host).matches();
    }

    private static boolean isIpv6Loopback(String address) {
        return address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
    }
}
