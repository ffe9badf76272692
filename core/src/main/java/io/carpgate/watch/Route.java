package io.carpgate.watch;

/** One row of the backup's routing table: a destination network and the interface its packets leave through. */
public record Route(String destination, String device) {}
