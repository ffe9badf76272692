package io.carpgate.sim;

/** An OpenVPN instance ({@code OPNsense.OpenVPN.Instances.Instance}) as the backup stored it. */
public record StoredOpenVpnInstance(String uuid, String description, String role, boolean enabled,
                                    String carpDependOn) {}
