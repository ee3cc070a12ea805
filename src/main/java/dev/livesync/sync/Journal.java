package dev.livesync.sync;

import dev.livesync.LivesyncException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Durable record of work accepted for one target but not yet delivered, so that a restart after a
 * crash or {@code kill -9} sends it again (the initial full sync covers the rest, except deletes
 * under some delete policies — which is why the journal exists). Append-only: an item record when
 * work is queued, a done record when it arrived; {@link #sync()} (once per engine loop turn, i.e.
 * per batch boundary, not per event) forces it to disk. Records carry a CRC; a torn tail after a
 * crash is ignored. The file is rewritten with only the live items at open and whenever it grows
 * well beyond them. Full syncs are journaled only when they delete: every start does one, but under
 * {@code delete = running} not with delete, so a restart would forget the deletions an overflow
 * rescan (or a schedule) had taken over from the events. Single-threaded.
 */
public final class Journal implements AutoCloseable, ItemLog {
  public record Entry(long seq, WorkItem item) {}

  private static final byte ITEM = 'I', DONE = 'D';
  private static final byte SEND = 0, SEND_TREE = 1, RENAME = 2, RENAME_DIR = 3, FULL_DELETE = 4;
  private static final long COMPACT_MIN = 8L << 20;

  private final Path file;
  private final Map<Long, WorkItem> live = new LinkedHashMap<>();
  private final List<Entry> recovered;
  private FileChannel channel;
  private long seq;
  private long fileBytes;
  private long liveBytes;
  private boolean dirty;

  private Journal(Path file, List<Entry> recovered) {
    this.file = file;
    this.recovered = recovered;
  }

  /** Opens (creating the directory if needed) and recovers what a previous run left undone. */
  public static Journal open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      List<WorkItem> old = Files.exists(file) ? read(file) : List.of();
      var j = new Journal(file, new ArrayList<>());
      Map<Long, WorkItem> renumbered = new LinkedHashMap<>();
      for (WorkItem item : old) renumbered.put(++j.seq, item);
      j.rewrite(renumbered);
      for (var e : j.live.entrySet()) j.recovered.add(new Entry(e.getKey(), e.getValue()));
      return j;
    } catch (IOException e) {
      throw new LivesyncException(
          "cannot use the journal " + file + ": " + e.getMessage() + " (set --state-dir to a writable directory)",
          dev.livesync.Exit.CANNOT_WRITE,
          e);
    }
  }

  /** Items a previous run accepted and did not deliver, already re-recorded under new numbers. */
  public List<Entry> recovered() {
    return recovered;
  }

  /** Records {@code item} (not yet forced to disk) and returns its number. */
  public long append(WorkItem item) {
    long s = ++seq;
    if (item instanceof WorkItem.FullSync f && !f.delete()) return s; // every start does one anyway
    byte[] rec = itemRecord(s, item);
    live.put(s, item);
    liveBytes += rec.length;
    write(rec);
    return s;
  }

  public void done(long s) {
    WorkItem item = live.remove(s);
    if (item == null) return;
    liveBytes -= itemRecord(s, item).length;
    var b = new ByteArrayOutputStream(16);
    var out = new DataOutputStream(b);
    try {
      out.writeByte(DONE);
      out.writeLong(s);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    write(withCrc(b.toByteArray()));
    if (fileBytes > COMPACT_MIN && fileBytes > 4 * liveBytes) {
      try {
        rewrite(new LinkedHashMap<>(live)); // same numbers: the runner still holds them
      } catch (IOException e) {
        throw new LivesyncException("cannot compact the journal " + file + ": " + e.getMessage(), dev.livesync.Exit.CANNOT_WRITE, e);
      }
    }
  }

  /** Forces appended records to disk (fsync), if any were written since the last call. */
  public void sync() {
    if (!dirty) return;
    try {
      channel.force(false);
      dirty = false;
    } catch (IOException e) {
      throw new LivesyncException("cannot write the journal " + file + ": " + e.getMessage(), dev.livesync.Exit.CANNOT_WRITE, e);
    }
  }

  public int liveCount() {
    return live.size();
  }

  @Override
  public void close() {
    try {
      sync();
      channel.close();
    } catch (IOException | LivesyncException e) {
      // the journal is only a safety net; the next start does a full sync anyway
    }
  }

  private void write(byte[] rec) {
    try {
      channel.write(ByteBuffer.wrap(rec));
      fileBytes += rec.length;
      dirty = true;
    } catch (IOException e) {
      throw new LivesyncException("cannot write the journal " + file + ": " + e.getMessage(), dev.livesync.Exit.CANNOT_WRITE, e);
    }
  }

  /**
   * Writes {@code items} (by number) to a new file, fsyncs it and renames it over the old one. The
   * numbers are kept: callers hold them for {@link #done}.
   */
  private void rewrite(Map<Long, WorkItem> items) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    live.clear();
    liveBytes = 0;
    try (var ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      for (var e : items.entrySet()) {
        long s = e.getKey();
        WorkItem item = e.getValue();
        byte[] rec = itemRecord(s, item);
        ch.write(ByteBuffer.wrap(rec));
        live.put(s, item);
        liveBytes += rec.length;
      }
      ch.force(true);
    }
    if (channel != null) channel.close();
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (var dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // not every file system lets a directory be fsynced
    }
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    fileBytes = liveBytes;
    dirty = false;
  }

  private static List<WorkItem> read(Path file) throws IOException {
    Map<Long, WorkItem> items = new LinkedHashMap<>();
    try (InputStream raw = Files.newInputStream(file)) {
      var in = new DataInputStream(new java.io.BufferedInputStream(raw));
      while (true) {
        var crc = new CRC32();
        var rec = new ByteArrayOutputStream();
        var copy = new DataOutputStream(rec);
        try {
          byte type = in.readByte();
          long s = in.readLong();
          copy.writeByte(type);
          copy.writeLong(s);
          WorkItem item = null;
          if (type == ITEM) {
            byte kind = in.readByte();
            int n = in.readInt();
            copy.writeByte(kind);
            copy.writeInt(n);
            if (n < 0 || n > 10_000_000) break;
            List<byte[]> paths = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
              int len = in.readInt();
              if (len < 0 || len > 65536) return List.copyOf(items.values());
              byte[] p = in.readNBytes(len);
              if (p.length != len) throw new EOFException();
              copy.writeInt(len);
              copy.write(p);
              paths.add(p);
            }
            item = switch (kind) {
              case SEND -> new WorkItem.Send(paths, false, 0, 0);
              case SEND_TREE -> new WorkItem.Send(paths, true, 0, 0);
              case RENAME, RENAME_DIR -> new WorkItem.Rename(paths.get(0), paths.get(1), kind == RENAME_DIR, 0);
              case FULL_DELETE -> new WorkItem.FullSync(true, "from the journal", 0);
              default -> null;
            };
          } else if (type != DONE) {
            break;
          }
          int stored = in.readInt();
          crc.update(rec.toByteArray());
          if ((int) crc.getValue() != stored) break;
          if (type == ITEM && item != null) items.put(s, item);
          else items.remove(s);
        } catch (EOFException e) {
          break;
        }
      }
    }
    return List.copyOf(items.values());
  }

  private static byte[] itemRecord(long s, WorkItem item) {
    var b = new ByteArrayOutputStream(64);
    var out = new DataOutputStream(b);
    try {
      out.writeByte(ITEM);
      out.writeLong(s);
      List<byte[]> paths;
      switch (item) {
        case WorkItem.Send send -> {
          out.writeByte(send.recursive() ? SEND_TREE : SEND);
          paths = send.paths();
        }
        case WorkItem.Rename r -> {
          out.writeByte(r.dir() ? RENAME_DIR : RENAME);
          paths = List.of(r.from(), r.to());
        }
        case WorkItem.FullSync f -> {
          if (!f.delete()) throw new IllegalArgumentException("full syncs without delete are not journaled");
          out.writeByte(FULL_DELETE);
          paths = List.of();
        }
      }
      out.writeInt(paths.size());
      for (byte[] p : paths) {
        out.writeInt(p.length);
        out.write(p);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return withCrc(b.toByteArray());
  }

  private static byte[] withCrc(byte[] body) {
    var crc = new CRC32();
    crc.update(body);
    return ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
  }
}
