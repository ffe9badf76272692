package io.carpgate.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Says why a file could not be read or written in words an admin can act on. A permission problem names
 * the user carpgate runs as and the file's owner and mode: in a container carpgate runs as uid 10001,
 * which cannot read a file the README had the admin {@code chmod 600} as another user.
 */
public final class FileAccess {
    private FileAccess() {}

    /** e.g. {@code permission denied: carpgate runs as uid 10001 (carpgate); /x/api.txt is owned by uid 0, mode rw-------}. */
    public static String explain(IOException e) {
        if (e instanceof AccessDeniedException denied && denied.getFile() != null) {
            Path file = Paths.get(denied.getFile());
            return "permission denied: carpgate runs as " + self() + "; " + file + " " + owner(file)
                    + " (give uid " + uid(Paths.get("/proc/self")) + " access, e.g. sudo chown " + uid(Paths.get("/proc/self"))
                    + " " + file + ")";
        }
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() + " does not exist";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String self() {
        String name = System.getProperty("user.name", "?");
        return "uid " + uid(Paths.get("/proc/self")) + (name.equals("?") ? "" : " (" + name + ")");
    }

    /** The owner of {@code /proc/self} is the process's own user; elsewhere we only know the name. */
    private static String uid(Path path) {
        try {
            return String.valueOf(Files.getAttribute(path, "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return System.getProperty("user.name", "?");
        }
    }

    private static String owner(Path file) {
        try {
            Object uid = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object gid = Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
            return "is owned by uid " + uid + ", gid " + gid + ", mode " + mode;
        } catch (AccessDeniedException e) {
            return "is in a folder carpgate may not enter";
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "cannot be inspected (" + e.getClass().getSimpleName().toLowerCase(Locale.ROOT) + ")";
        }
    }
}
