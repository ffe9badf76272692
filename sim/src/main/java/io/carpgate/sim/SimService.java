package io.carpgate.sim;

import java.util.List;
import java.util.Optional;

/** Another service the simulated backup lists (e.g. unbound); most have no id. */
public record SimService(String name, String description, Optional<String> id) {
    /**
     * The services of a small install besides the items', in {@code plugins_scan()} order: core.inc's six as
     * {@code core_services()} lists them (configd, login, routing, sysctl, cron, syslog-ng), then ntpd, pf,
     * unbound and webgui. Sorted by name for the answer, cron moves before login: the answer is keyed
     * "0", "4", "1", ... and IXR writes it as a struct.
     */
    public static final List<SimService> SMALL_INSTALL = List.of(
            of("configd", "Configd"), of("login", "Users and Groups"), of("routing", "System routing"),
            of("sysctl", "System tunables"), of("cron", "Cron"), of("syslog-ng", "Syslog-ng"),
            of("ntpd", "Network Time Daemon"), of("pf", "Packet Filter"), of("unbound", "Unbound DNS"),
            of("webgui", "Web GUI"));

    public static SimService of(String name, String description) {
        return new SimService(name, description, Optional.empty());
    }
}
