package io.carpgate.packaging;

import java.lang.management.ManagementFactory;

/** Stands in for carpgate.jar in LauncherScriptTest: prints what bin/carpgate started it with. */
public final class EchoMain {
    private EchoMain() {}

    public static void main(String[] args) {
        System.out.println("java=" + Runtime.version().feature());
        System.out.println("args=" + String.join(" ", args));
        System.out.println("jvm=" + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println("cache=" + System.getProperty("carpgate.startup-cache", ""));
        System.out.println("skipped=" + System.getProperty("carpgate.startup-cache.skipped", ""));
    }
}
