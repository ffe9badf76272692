package io.carpgate.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a state folder can be trusted with what carpgate remembers of a pair. A remembered item's VHID decides
 * whether its start passes: whoever can write a file there could teach carpgate that an item depends on a VHID the
 * backup is MASTER for. So, as OpenSSH's {@code StrictModes} does with {@code ~/.ssh}, a folder (or a memory file)
 * that its group or others may write, or that belongs to another user than carpgate's (or root), is not read and not
 * written. A folder that does not exist yet is fine (carpgate
 * creates it), and a file system without POSIX permissions says nothing either way.
 */
final class StateFolder {
    private static final Set<PosixFilePermission> OTHERS_WRITE =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private StateFolder() {}

    /**
     * The uid owning {@code path} when it is neither carpgate's own nor root's (who may write anything anyway). The
     * process's uid is read as the owner of {@code /proc/self}; where there is no such thing (not Linux), or no uids,
     * nothing is said.
     */
    private static Optional<String> foreignOwner(Path path) {
        try {
            Object mine = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Object theirs = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (theirs.equals(mine) || Integer.valueOf(0).equals(theirs)) {
                return Optional.empty();
            }
            return Optional.of(String.valueOf(theirs));
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    /** Why {@code path} (a folder or a file in it) is not to be trusted, or empty when it is (or is not there yet). */
    static Optional<String> untrusted(Path path) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty();
        }
        Optional<String> owner = foreignOwner(path);
        if (owner.isPresent()) {
            return Optional.of(path + " belongs to " + attributes.owner().getName() + " (uid " + owner.get()
                    + "), not to carpgate's user or root; run: chown " + "$(id -u): " + path);
        }
        Set<PosixFilePermission> writable = attributes.permissions();
        writable.retainAll(OTHERS_WRITE);
        if (writable.isEmpty()) {
            return Optional.empty();
        }
        String who = writable.size() == 2 ? "its group and others" : writable.contains(PosixFilePermission.GROUP_WRITE)
                ? "its group (" + attributes.group().getName() + ")" : "others";
        return Optional.of(path + " can be written by " + who + ", not only by its owner ("
                + attributes.owner().getName() + "); run: chmod go-w " + path);
    }
}
