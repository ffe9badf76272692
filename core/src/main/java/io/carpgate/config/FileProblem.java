package io.carpgate.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Why a file the configuration names cannot be read, in words. A permission problem names the user carpgate runs
 * as and the file's owner and mode, because that is what an admin has to compare (a container's uid 10001 and a
 * key file {@code chmod 600} owned by root, say).
 */
final class FileProblem {
    private FileProblem() {}

    /** Empty when {@code file} is a readable regular file. */
    static Optional<String> of(Path file) {
        if (!Files.exists(file)) {
            return Optional.of(file + " not found");
        }
        if (Files.isDirectory(file)) {
            return Optional.of(file + " is a folder, not a file");
        }
        if (!Files.isReadable(file)) {
            return Optional.of(permissionDenied(file));
        }
        return Optional.empty();
    }

    /** An I/O failure while reading {@code file}, in words (never the exception's type). */
    static String of(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return file + " not found";
        }
        if (e instanceof AccessDeniedException) {
            return permissionDenied(file);
        }
        return file + " cannot be read";
    }

    /**
     * A PEM file that was read but holds nothing usable. carpgate's own messages (they start with the file name) are
     * kept; a library's, which may name Java types, are replaced by words.
     */
    static String pem(Path file, Exception e) {
        if (e instanceof java.nio.file.FileSystemException io) {
            return of(file, io);
        }
        if (e instanceof IOException) {
            return file + " is not PEM that carpgate can read (damaged, or not a certificate or key)";
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.startsWith(file.toString()) || message.startsWith("unsupported key type")) {
            return message;
        }
        return file + " does not hold a certificate or key carpgate can use";
    }

    /** The uid the container image runs carpgate as (Dockerfile). */
    static final String IMAGE_UID = "10001";
    /** The command that gives the image's uid its files, run in the folder of docker-compose.yml. */
    static final String IMAGE_FIX = "sudo chown -R 10001:10001 certs logs state conf/backup-api.txt";

    /** The command that makes {@code file} readable by carpgate's user (in the image: the compose folder's). */
    private static String fix(Object self, Path file) {
        if (IMAGE_UID.equals(String.valueOf(self))) {
            return "in a container, on the host in the folder of docker-compose.yml: " + IMAGE_FIX;
        }
        return "let uid " + self + " read it: sudo chown " + self + " " + file;
    }

    private static String permissionDenied(Path file) {
        try {
            // /proc/self belongs to the process's own (effective) user.
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Object owner = Files.getAttribute(file, "unix:uid");
            int mode = (Integer) Files.getAttribute(file, "unix:mode") & 0777;
            return file + " cannot be read: permission denied (carpgate runs as uid " + self + "; the file belongs to uid "
                    + owner + ", mode " + Integer.toOctalString(mode) + "); " + fix(self, file);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return file + " cannot be read: permission denied";
        }
    }
}
