package com.lockupguard.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
public final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = LockupGuardCli.class.getPackage().getImplementationVersion();
        return new String[] {"lockup-guard " + (version == null ? "development" : version)};
    }
}
