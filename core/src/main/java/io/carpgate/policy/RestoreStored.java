package io.carpgate.policy;

/** Told when the backup has stored a restore: the pair re-reads what the restore may have changed on the backup. */
@FunctionalInterface
public interface RestoreStored {
    /**
     * @param vips whether the restore may have replaced the backup's VIPs (uuids and all): it carried a
     *     {@code virtualip} section, or carpgate did not read it
     */
    void stored(boolean vips);
}
