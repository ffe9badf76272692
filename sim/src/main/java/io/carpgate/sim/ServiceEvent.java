package io.carpgate.sim;

/**
 * One start/restart/stop the backup performed (or could not): the action, the service and id as
 * asked for (PHP string form), and the outcome, e.g. {@code up}, {@code down},
 * {@code kept down: CARP BACKUP on VHID 7}, {@code not found}.
 */
public record ServiceEvent(String action, String service, String id, String outcome) {}
