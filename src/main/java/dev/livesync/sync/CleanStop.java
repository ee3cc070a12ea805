package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * What a clean stop leaves in the sync's state directory for the next start ({@link StartupPlan}):
 * per target a record (when it stopped, by the wall clock, and the fingerprint of everything that
 * decides what the target holds), and once for the sync the listing of the source at that moment,
 * which every target then equalled ({@code clean-stop.index}: every entry's kind, inode number and
 * path, NUL-terminated, deflated). The listing is what tells the next start which names the source lost while it was
 * stopped: their deletion is then sent by name. Every file is written atomically (a temp file,
 * fsync, rename, fsync of the directory); a start reads and deletes the records before anything
 * else, so that a crash after it never reuses them.
 */
final class CleanStop {
  static final String RECORD = ".clean-stop";
  static final String INDEX = "clean-stop.index";
  /** Each entry's kind and inode: the files' inodes are what tells a directory renamed from a new one with a reused inode. */
  private static final String INDEX_MAGIC = "livesync clean-stop index 2\n";
  /** The listing of the version before, with the inode of directories only: read, but it shows no rename. */
  private static final String INDEX_MAGIC_1 = "livesync clean-stop index 1\n";

  private CleanStop() {}

  /** One target's record: when the stop was, which listing goes with it, and the fingerprint. */
  record Record(long stoppedMillis, String index, Map<String, String> fingerprint) {}

  /** A target's file in the state directory: its journal, its held deletions, its clean-stop record. */
  static String stateFile(int i, String describe, String suffix) {
    return "target-" + i + "-" + describe.replaceAll("[^A-Za-z0-9._-]+", "_") + suffix;
  }

  /** Writes {@code r} to {@code file} atomically. */
  static void write(Path file, Record r) throws IOException {
    var p = new Properties();
    p.setProperty("stopped", Long.toString(r.stoppedMillis()));
    p.setProperty("index", r.index());
    r.fingerprint().forEach((k, v) -> p.setProperty("fingerprint." + k, v));
    var text = new StringWriter();
    p.store(text, "livesync: the last stop of this sync was clean; the next start sends only what changed since (docs/engine.md)");
    atomically(file, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** Reads and deletes {@code file}: its record, null when there is none, or an unreadable one ({@link #UNREADABLE}). */
  static Record consume(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return UNREADABLE;
    }
    try {
      Files.deleteIfExists(file);
      syncDir(file.getParent());
    } catch (IOException e) {
      throw new dev.livesync.LivesyncException("cannot delete " + file + ": " + e.getMessage()
          + " (make the state dir writable by this user)", dev.livesync.Exit.CANNOT_WRITE, e);
    }
    try {
      var p = new Properties();
      p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
      Map<String, String> fp = new LinkedHashMap<>();
      for (String k : p.stringPropertyNames()) if (k.startsWith("fingerprint.")) fp.put(k.substring("fingerprint.".length()), p.getProperty(k));
      String index = p.getProperty("index");
      return index == null ? UNREADABLE : new Record(Long.parseLong(p.getProperty("stopped", "")), index, fp);
    } catch (IOException | IllegalArgumentException e) {
      return UNREADABLE;
    }
  }

  /** A record that is there but cannot be read (torn, edited). */
  static final Record UNREADABLE = new Record(-1, "", Map.of());

  /**
   * Lists the source below {@code root} (absolute, with a trailing slash) into {@code file}, under
   * the id {@code id}, leaving out what {@code excludes} excludes; returns the number of entries.
   * getdents only: no stat per entry.
   */
  static long writeIndex(Path file, String id, byte[] root, Excludes excludes) throws IOException {
    long[] n = {0};
    atomically(file, raw -> {
      var out = new DeflaterOutputStream(raw, new Deflater(Deflater.BEST_SPEED), 1 << 16);
      out.write((INDEX_MAGIC + id + "\n").getBytes(StandardCharsets.UTF_8));
      n[0] = list(root, Bytes.EMPTY, excludes, out);
      out.finish();
    });
    return n[0];
  }

  private static long list(byte[] root, byte[] dir, Excludes excludes, OutputStream out) throws IOException {
    var dirs = new java.util.ArrayList<byte[]>();
    long[] n = {0};
    try {
      Libc.listDirInodes(Bytes.concat(root, dir), (name, type, ino) -> {
        byte[] rel = dir.length == 0 ? name : Bytes.child(dir, name);
        boolean isDir = Libc.isDir(type, Bytes.concat(root, rel));
        if (excludes.excluded(rel, isDir)) return;
        try {
          out.write(isDir ? 'd' : 'f');
          out.write(String.format("%016x", ino).getBytes(StandardCharsets.US_ASCII));
          if (isDir) dirs.add(rel);
          out.write(rel);
          out.write(0);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        n[0]++;
      });
    } catch (NativeException e) {
      throw new IOException("cannot list " + Bytes.display(Bytes.concat(root, dir)) + ": " + e.getMessage(), e);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    for (byte[] d : dirs) n[0] += list(root, d, excludes, out);
    return n[0];
  }

  /** One entry of the listing: whether it was a directory, and its inode number (-1: not known, a file in a listing of the version before). */
  interface IndexEntry {
    void entry(byte[] path, boolean dir, long ino);
  }

  /** Passes each entry of the listing {@code file} to {@code each}; false when it is missing, torn or is not listing {@code id}. */
  static boolean readIndex(Path file, String id, IndexEntry each) {
    try (InputStream in = new BufferedInputStream(new InflaterInputStream(Files.newInputStream(file), new java.util.zip.Inflater(), 1 << 16), 1 << 16)) {
      byte[] head = (INDEX_MAGIC + id + "\n").getBytes(StandardCharsets.UTF_8);
      byte[] read = in.readNBytes(head.length);
      boolean v1 = java.util.Arrays.equals(read, (INDEX_MAGIC_1 + id + "\n").getBytes(StandardCharsets.UTF_8));
      if (!v1 && !java.util.Arrays.equals(read, head)) return false;
      var path = new ByteArrayOutputStream(256);
      for (int kind; (kind = in.read()) >= 0; ) {
        long ino = -1;
        if (kind == 'd' || kind == 'f' && !v1) {
          byte[] hex = in.readNBytes(16);
          if (hex.length != 16) return false;
          ino = Long.parseUnsignedLong(new String(hex, StandardCharsets.US_ASCII), 16);
        } else if (kind != 'f') {
          return false;
        }
        int b;
        while ((b = in.read()) > 0) path.write(b);
        if (b < 0) return false;
        each.entry(path.toByteArray(), kind == 'd', ino);
        path.reset();
      }
      return true;
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  private interface Writing {
    void to(OutputStream out) throws IOException;
  }

  /** Writes {@code file} through a temp file beside it, forced to disk before and after the rename. */
  private static void atomically(Path file, Writing w) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      var out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16);
      w.to(out);
      out.flush();
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    syncDir(file.getParent());
  }

  static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
