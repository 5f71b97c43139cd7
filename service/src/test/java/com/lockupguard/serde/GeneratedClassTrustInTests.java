package com.lockupguard.serde;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Every test JVM trusts the generated classes as the guard's JVM does, through {@link GeneratedClassTrust}, and
 * before any test builds a generated record (whose defaults Avro reads by class name). The tools' tests get it
 * from the service's test jar.
 */
public final class GeneratedClassTrustInTests implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        GeneratedClassTrust.install();
    }
}
