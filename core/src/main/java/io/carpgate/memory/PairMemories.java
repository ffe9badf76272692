package io.carpgate.memory;

import io.carpgate.policy.ItemBook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every pair's {@link PairMemory}, owned by the running carpgate above the per-pair runtimes that reloads rebuild.
 * A pair is known by its name and its backup's URL: the same pair pointed at another backup starts with an empty
 * memory (what one backup stores says nothing of another's). With a state folder, each memory is loaded from its
 * file the first time the pair is built and written back after every change; a missing file is an empty memory,
 * an unreadable or corrupt one a WARNING naming it, then an empty memory (unknown items are suppressed: safe).
 */
public final class PairMemories {
    private static final Logger LOG = LoggerFactory.getLogger(PairMemories.class);

    private final Optional<Path> stateDir;
    private final boolean rehearsal;
    private final Clock clock;
    private final Map<String, Kept> memories = new LinkedHashMap<>();

    private record Kept(String name, String backup, PairMemory memory) {}

    /** @param stateDir where memories are kept between runs; empty: in this process only */
    public PairMemories(Optional<Path> stateDir, Clock clock) {
        this(stateDir, false, clock);
    }

    private PairMemories(Optional<Path> stateDir, boolean rehearsal, Clock clock) {
        this.stateDir = stateDir;
        this.rehearsal = rehearsal;
        this.clock = clock;
    }

    /**
     * For the warm-up's private carpgate: nothing kept between runs, but each change encoded as a state file would
     * hold it (then dropped), so the first restore a real pair stores does not meet that code cold.
     */
    public static PairMemories rehearsal(Clock clock) {
        return new PairMemories(Optional.empty(), true, clock);
    }

    /**
     * The memory of the pair {@code name} whose backup is {@code backupUrl} (as the configuration identifies it): the
     * same object for as long as the pair keeps that name and backup. Looking one up changes nothing else: a
     * configuration being built may still be refused, and the running one must keep its memories and files as they
     * are. What the new one replaces is retired once it is in effect ({@link #inEffect}).
     */
    public synchronized PairMemory of(String name, String backupUrl) {
        String key = key(name, backupUrl);
        Kept kept = memories.get(key);
        if (kept != null) {
            return kept.memory();
        }
        PairMemory memory = load(name, backupUrl, key);
        memories.put(key, new Kept(name, backupUrl, memory));
        return memory;
    }

    /**
     * A configuration with these pairs (name to backup URL, as the configuration identifies it) is now in effect. A
     * memory of the same name under another backup, or of the same backup under another name, is what an earlier
     * configuration learned: it is retired (a call of the old runtime still finishing writes nothing more) and its
     * file set aside, so a reload that puts the old backup back later starts from the file (set aside, so empty),
     * never from what this process learned before the backup changed.
     */
    public synchronized void inEffect(Map<String, String> backupByPair) {
        backupByPair.forEach((name, backupUrl) -> {
            String key = key(name, backupUrl);
            memories.entrySet().removeIf(other -> {
                boolean earlier = !other.getKey().equals(key)
                        && (other.getValue().name().equals(name) || other.getValue().backup().equals(backupUrl));
                if (earlier) {
                    other.getValue().memory().retire();
                }
                return earlier;
            });
            if (!rehearsal && stateDir.isPresent()) {
                retireOthers(stateDir.get(), fileIn(stateDir.get(), name, backupUrl), name, backupUrl);
            }
        });
    }

    /** What a pair's memory file holds, read without changing anything (for {@code check}). */
    public sealed interface Remembered {
        Path file();

        /** No file yet: nothing remembered. */
        record Nothing(Path file) implements Remembered {}

        record Items(Path file, ItemBook book) implements Remembered {}

        /** run would set it aside and start without it. */
        record Unreadable(Path file, String why) implements Remembered {}
    }

    public static Remembered look(Path stateDir, String name, String backupUrl) {
        Path path = fileIn(stateDir, name, backupUrl);
        Optional<String> untrusted = StateFolder.untrusted(stateDir).or(() -> StateFolder.untrusted(path));
        if (untrusted.isPresent()) {
            return new Remembered.Unreadable(path, "not used: " + untrusted.get());
        }
        try {
            return new MemoryFile(path, name, backupUrl).read()
                    .<Remembered>map(book -> new Remembered.Items(path, book))
                    .orElseGet(() -> new Remembered.Nothing(path));
        } catch (MemoryFile.Corrupt e) {
            return new Remembered.Unreadable(path, e.getMessage());
        } catch (IOException e) {
            return new Remembered.Unreadable(path, e.toString());
        }
    }

    /** The file a pair's memory is kept in. */
    public static Path fileIn(Path stateDir, String name, String backupUrl) {
        return stateDir.resolve("pair-" + key(name, backupUrl) + ".json");
    }

    private PairMemory load(String name, String backupUrl, String key) {
        if (rehearsal) {
            return PairMemory.rehearsal(name, clock);
        }
        if (stateDir.isEmpty()) {
            return PairMemory.inProcess(name, clock);
        }
        Path path = fileIn(stateDir.get(), name, backupUrl);
        Optional<String> untrusted = StateFolder.untrusted(stateDir.get()).or(() -> StateFolder.untrusted(path));
        if (untrusted.isPresent()) {
            LOG.warn("pair {}: the state folder is not used ({}): whoever can write there could teach carpgate a VHID. "
                    + "What carpgate learns of the pair is kept in the process only and lost on a restart; starts of "
                    + "items it has not seen stored, those the VHID map names included, are suppressed until a restore "
                    + "carrying them is", name, untrusted.get());
            PairMemory memory = PairMemory.inProcess(name, clock);
            memory.lost("the state folder is not used: " + untrusted.get());
            return memory;
        }
        MemoryFile file = new MemoryFile(path, name, backupUrl);
        ItemBook loaded = ItemBook.empty();
        Optional<String> lost = Optional.empty();
        try {
            Optional<ItemBook> read = file.read();
            if (read.isPresent()) {
                loaded = read.get();
                LOG.info("pair {}: {} item(s) with a CARP dependency remembered from {}", name, loaded.size(),
                        file.path());
            }
        } catch (MemoryFile.Corrupt e) {
            Optional<Path> aside = file.setAside();
            LOG.warn("pair {}: {} cannot be read as carpgate's memory of the pair ({}); starting without it: starts "
                    + "of items it has not seen stored, those the VHID map names included, are suppressed until a "
                    + "restore carrying them is{}", name, file.path(),
                    e.getMessage(), aside.map(p -> " (the file is kept as " + p + ")").orElse(""));
            lost = Optional.of(file.path().getFileName() + " could not be read: " + e.getMessage());
        } catch (IOException e) {
            LOG.warn("pair {}: {} cannot be read ({}); starting without what carpgate knew of the pair: starts of "
                    + "items it has not seen stored, those the VHID map names included, are suppressed until a "
                    + "restore carrying them is", name, file.path(), e.toString());
            lost = Optional.of(file.path().getFileName() + " could not be read: " + e);
        }
        PairMemory memory = new PairMemory(name, loaded, Optional.of(file), clock);
        lost.ifPresent(memory::lost);
        return memory;
    }

    /**
     * Another file of the same pair name (under another backup URL) or of the same backup URL (under another pair
     * name) is what an earlier configuration learned: if it were loaded again later (the URL or the name put back),
     * it would be older than what the backup stores. It is set aside once the configuration that moved on is in effect.
     */
    private static void retireOthers(Path dir, Path mine, String name, String backupUrl) {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            for (Path other : files.filter(f -> f.getFileName().toString().matches("pair-[0-9a-f]+\\.json"))
                    .filter(f -> !f.equals(mine)).toList()) {
                Optional<String[]> owner = MemoryFile.owner(other);
                if (owner.isPresent() && (owner.get()[0].equals(name) || owner.get()[1].equals(backupUrl))) {
                    Path aside = other.resolveSibling(other.getFileName() + ".retired");
                    java.nio.file.Files.move(other, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    LOG.info("pair {}: {} was learned under another backup URL or pair name; set aside as {}",
                            name, other, aside);
                }
            }
        } catch (IOException e) {
            // No folder yet (nothing to retire), or it cannot be listed: loading the pair's own file says more.
        }
    }

    /** Names the file by pair and backup without putting either in the file name (both may hold any character). */
    private static String key(String name, String backupUrl) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((name + "\n" + backupUrl).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
