package io.carpgate.memory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemBook;
import io.carpgate.policy.ItemKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One pair's memory on disk: a small JSON file in the state folder, replaced whole after every change (written
 * beside it, flushed to the disk, renamed over it, the folder flushed), so a crash leaves the old file or the new
 * one, never half of either. It holds what the status page shows of each item (names, uuids, VHIDs, VIP uuids),
 * no secret. A file that cannot be read back exactly (any field out of range, another pair's, a newer format) is
 * refused whole: carpgate never starts on half a memory.
 */
final class MemoryFile {
    static final int FORMAT = 1;
    /** Far above 10,000 items; a larger file is not carpgate's. */
    /** 10,000 items with every text at its longest fit well within this. */
    private static final long MAX_BYTES = 64L << 20;
    private static final int MAX_TEXT = CarpItem.MAX_TEXT;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private final Path file;
    private final String pair;
    private final String backup;

    MemoryFile(Path file, String pair, String backup) {
        this.file = file;
        this.pair = pair;
        this.backup = backup;
    }

    Path path() {
        return file;
    }

    /** The pair name and backup URL a memory file says it belongs to; empty when it cannot be read as one. */
    static Optional<String[]> owner(Path file) {
        try (InputStream in = Files.newInputStream(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            com.fasterxml.jackson.databind.JsonNode tree = JSON.readTree(in.readNBytes((int) MAX_BYTES));
            if (tree != null && tree.path("pair").isTextual() && tree.path("backup").isTextual()) {
                return Optional.of(new String[] {tree.path("pair").asText(), tree.path("backup").asText()});
            }
        } catch (IOException | RuntimeException e) {
            // not a memory file carpgate can read: left alone
        }
        return Optional.empty();
    }

    /** What the file says; empty for no file. */
    Optional<ItemBook> read() throws IOException, Corrupt {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length > MAX_BYTES) {
            throw new Corrupt("larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        Stored stored;
        try {
            stored = JSON.readValue(bytes, Stored.class);
        } catch (IOException e) {
            throw new Corrupt("not carpgate's JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (stored == null || stored.format() != FORMAT) {
            throw new Corrupt("format " + (stored == null ? "missing" : stored.format()) + ", expected " + FORMAT);
        }
        if (!pair.equals(stored.pair()) || !backup.equals(stored.backup())) {
            throw new Corrupt("it is the memory of another pair or backup");
        }
        if (stored.items() == null) {
            throw new Corrupt("no items list");
        }
        Map<String, CarpItem> items = new LinkedHashMap<>();
        for (StoredItem s : stored.items()) {
            CarpItem item = s.toItem();
            items.put(ItemBook.keyOf(item), item);
        }
        if (items.size() != stored.items().size()) {
            throw new Corrupt("an item is listed twice");
        }
        return Optional.of(new ItemBook(items));
    }

    /** The file's bytes for {@code book}: what {@link #write} puts on the disk, and nothing else. */
    static byte[] encode(String pair, String backup, ItemBook book) throws IOException {
        List<StoredItem> items = new ArrayList<>();
        // An item whose uuid is longer than any real one is not kept on the disk: cut, it could be read back as another
        // item's; left out, a restart does not know it, and its starts go by on-unknown-carp.
        book.all().stream().filter(i -> i.uuid().length() <= MAX_TEXT).forEach(i -> items.add(StoredItem.of(i)));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Stored(FORMAT, pair, backup, items));
    }

    void write(ItemBook book) throws IOException {
        byte[] bytes = encode(pair, backup, book);
        Path folder = file.toAbsolutePath().getParent();
        boolean posix = folder.getFileSystem().supportedFileAttributeViews().contains("posix");
        // Created for the owner alone (the umask can only take more away): a memory file or folder its group or
        // others could write would not be read by the next start (StateFolder).
        Files.createDirectories(folder, posix ? new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---"))} : new FileAttribute<?>[0]);
        Path temporary = folder.resolve(file.getFileName() + ".new");
        // A leftover of an earlier failed write (or anything put there) must neither block this write nor be
        // followed: it is removed, and the new file is created afresh, never through a link.
        Files.deleteIfExists(temporary);
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        try (FileChannel out = posix ? FileChannel.open(temporary, options,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")))
                : FileChannel.open(temporary, options)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        // The rename itself is durable only once the folder is flushed.
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems cannot flush a folder; the rename is atomic all the same.
        }
    }

    /**
     * A change could not be saved: the file on disk is now older than what the backup stores, and must not be
     * loaded by a later start (an empty memory is safe, a stale one is not). Removed, or failing that emptied.
     *
     * @return false when neither worked (the caller says so loudly)
     */
    boolean forget() {
        try {
            Files.deleteIfExists(file);
            return true;
        } catch (IOException e) {
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                out.force(true);
                return true;
            } catch (IOException again) {
                return false;
            }
        }
    }

    /** Set the broken file aside, so the admin can look at it and the next write does not destroy it. */
    Optional<Path> setAside() {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(aside);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A file that is there but cannot be taken as this pair's memory. */
    static final class Corrupt extends Exception {
        private static final long serialVersionUID = 1L;

        Corrupt(String why) {
            super(why, null, false, false);
        }
    }

    /** The file's shape. */
    record Stored(int format, String pair, String backup, List<StoredItem> items) {}

    /** One item as written; every field is checked when read back. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredItem(String kind, String uuid, String name, boolean gated, Integer vhid, String iface, String vip,
                      String basis, String learnedAt, String device) {

        static StoredItem of(CarpItem item) {
            // The item's texts are at most CarpItem.MAX_TEXT (its uuid too: encode leaves out one that is not).
            return new StoredItem(item.kind().key(), item.uuid(), item.name(), item.gated(),
                    item.vhid().orElse(null), item.iface().orElse(null), item.vip().orElse(null), item.basis(),
                    item.learnedAt().map(Instant::toString).orElse(null), item.device().orElse(null));
        }

        CarpItem toItem() throws Corrupt {
            ItemKind itemKind = ItemKind.byKey(text("kind", kind))
                    .orElseThrow(() -> new Corrupt("an item of unknown kind " + kind));
            if (vhid != null && (vhid < 1 || vhid > 255)) {
                throw new Corrupt("VHID " + vhid + " out of 1..255");
            }
            Optional<Instant> at;
            try {
                at = Optional.ofNullable(learnedAt).map(Instant::parse);
            } catch (RuntimeException e) {
                throw new Corrupt("a time that is not one: " + learnedAt);
            }
            // An item in doubt (a time, no VHID) is gated whatever the file says: files of carpgate before 2026-12-07
            // kept the role of the restore's side, and the backup may hold the other (an OpenVPN server or client).
            boolean inDoubt = at.isPresent() && vhid == null;
            return new CarpItem(itemKind, text("uuid", uuid), text("name", name),
                    gated || (inDoubt && itemKind.startsGated()), Optional.ofNullable(vhid),
                    optional("iface", iface), optional("vip", vip), text("basis", basis), at, optional("device", device));
        }

        private static String text(String field, String value) throws Corrupt {
            if (value == null) {
                throw new Corrupt("an item without " + field);
            }
            if (value.length() > MAX_TEXT) {
                throw new Corrupt("an item's " + field + " longer than " + MAX_TEXT);
            }
            return value;
        }

        private static Optional<String> optional(String field, String value) throws Corrupt {
            return value == null ? Optional.empty() : Optional.of(text(field, value));
        }
    }
}
