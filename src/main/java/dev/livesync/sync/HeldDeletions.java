package dev.livesync.sync;

import dev.livesync.LivesyncException;
import dev.livesync.fs.BytePath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The deletions the mass-deletion guard holds for one target, kept in the sync's state directory
 * beside its journal, so that a restart (or a crash) holds them again instead of deciding anew: the
 * first full sync after a restart may see fewer deletions than the limit (those that were let through
 * before the hold are gone from its count), and would then carry out what no one released. The file
 * is rewritten whole (a temp file, fsync, rename) whenever the held set changes; it is removed when
 * nothing is held. Format: a header line, then each path (bytes, relative to the target) ended by a
 * NUL byte, which no path holds. The same file, of kind "released", keeps the deletions an operator
 * released and that are not carried out yet ({@link ReleasedDeletions}).
 */
final class HeldDeletions {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HeldDeletions.class);

  private final Path file;
  private final String kind;
  private final byte[] header;
  private boolean failing;

  HeldDeletions(Path file) {
    this(file, "held");
  }

  /** {@code kind}: what the paths are ("held", "released"), in the file's header and in messages. */
  HeldDeletions(Path file, String kind) {
    this.file = file;
    this.kind = kind;
    this.header = ("livesync " + kind + " deletions 1\n").getBytes(StandardCharsets.US_ASCII);
  }

  Path file() {
    return file;
  }

  /** The store of the released deletions beside this one: {@code x.held}, {@code x.released}. */
  HeldDeletions released() {
    String n = file.getFileName().toString();
    return new HeldDeletions(file.resolveSibling((n.endsWith(".held") ? n.substring(0, n.length() - 5) : n) + ".released"), "released");
  }

  /**
   * What the previous run held, to hold again from the start, said at WARN; with {@code --max-delete
   * off} ({@code off}) nothing: those deletions go ahead (said too) and the file goes.
   */
  Set<BytePath> takeOver(boolean off, String target, String sync) {
    Set<BytePath> before = load();
    if (before.isEmpty()) return Set.of();
    if (off) {
      log.warn("{}: --max-delete is off: the {} deletions the previous run held go ahead", target, before.size());
      save(Set.of());
      return Set.of();
    }
    log.warn("{}: {} deletions held by the previous run are still held (kept in {}), and so is every deletion for this target: "
        + "restore the files at the source, or run 'livesync release-deletes {}'. See 'livesync status'.", target, before.size(), file, sync);
    return before;
  }

  /** The paths held (released) when the previous run stopped; none when there is no file or it is not ours. */
  Set<BytePath> load() {
    Set<BytePath> out = new LinkedHashSet<>();
    byte[] all;
    try {
      if (!Files.exists(file)) return out;
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw failure(e);
    }
    if (all.length < header.length || !Arrays.equals(all, 0, header.length, header, 0, header.length))
      throw new LivesyncException("the " + kind + " deletions " + file + " are not in livesync's format; move the file away to decide anew",
          dev.livesync.Exit.CANNOT_WRITE);
    int start = header.length;
    for (int i = start; i < all.length; i++) {
      if (all[i] != 0) continue;
      if (i > start) out.add(BytePath.unsafeWrap(Arrays.copyOfRange(all, start, i)));
      start = i + 1;
    }
    return out;
  }

  /**
   * Records {@code held} durably (removes the file when it is empty). A failure is logged, not thrown:
   * the hold itself goes on in memory; only a restart would then decide anew.
   */
  void save(Collection<BytePath> held) {
    try {
      if (held.isEmpty()) {
        Files.deleteIfExists(file);
        return;
      }
      var b = new ByteArrayOutputStream();
      b.writeBytes(header);
      for (BytePath p : held) {
        b.writeBytes(p.unsafeArray());
        b.write(0);
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        var buf = java.nio.ByteBuffer.wrap(b.toByteArray());
        while (buf.hasRemaining()) ch.write(buf);
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      failing = false;
    } catch (IOException e) {
      if (!failing) log.error("cannot record the {} deletions in {}: {}; they stay {} while this run lasts", kind, file, e.toString(), kind);
      failing = true;
    }
  }

  private LivesyncException failure(IOException e) {
    return new LivesyncException("cannot use the " + kind + " deletions " + file + ": " + e.getMessage() + " (set --state-dir to a writable directory)",
        dev.livesync.Exit.CANNOT_WRITE, e);
  }
}
