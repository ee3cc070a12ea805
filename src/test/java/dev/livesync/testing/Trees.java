package dev.livesync.testing;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds and compares test trees whose paths are raw bytes (names need not be UTF-8).
 *
 * <p>{@code java.nio.file.Path} cannot be made from a String holding invalid UTF-8, but the Unix
 * provider converts {@code file:} URIs byte for byte ({@code %B9} becomes byte 0xb9) and prints raw
 * bytes back the same way, so {@link #path(byte[])} and {@link #bytes(Path)} are lossless.
 */
public final class Trees {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private Trees() {}

  /** What {@link #differences} may be told to ignore. */
  public enum Ignore {
    /** Directory mtimes (they change whenever an entry is added or removed inside). */
    DIR_MTIMES,
    /** All mtimes. */
    MTIMES,
    /** Permission bits. */
    MODES
  }

  // ---- raw byte paths <-> java.nio.file.Path

  /** The Path for an absolute raw-byte path (any bytes but NUL). */
  public static Path path(byte[] absolute) {
    if (absolute.length == 0 || absolute[0] != '/') {
      throw new IllegalArgumentException("not absolute: " + Bytes.display(absolute));
    }
    var sb = new StringBuilder("file://");
    for (byte b : absolute) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '-' || c == '.' || c == '_') {
        sb.append((char) c);
      } else {
        sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
      }
    }
    return Path.of(URI.create(sb.toString()));
  }

  /** The raw bytes of {@code p} made absolute. */
  public static byte[] bytes(Path p) {
    String raw = p.toAbsolutePath().toUri().getRawPath();
    var out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        out.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
        i += 2;
      } else {
        out.write(c);
      }
    }
    byte[] b = out.toByteArray();
    // toUri() appends '/' to directories; a normalized Path never ends in one.
    return b.length > 1 && b[b.length - 1] == '/' ? Arrays.copyOf(b, b.length - 1) : b;
  }

  // ---- building trees

  /** {@code rel} (slashes allowed) below {@code root}. */
  public static byte[] at(byte[] root, String rel) {
    return Bytes.child(root, Bytes.of(rel));
  }

  /** {@code rel}, raw bytes (slashes allowed), below {@code root}. */
  public static byte[] at(byte[] root, byte[] rel) {
    return Bytes.child(root, rel);
  }

  /** A new empty temp directory, as raw bytes. */
  public static byte[] tempDir(String prefix) {
    return bytes(TempFiles.dir(prefix));
  }

  public static void mkdirs(byte[] dir) {
    io(() -> Files.createDirectories(path(dir)));
  }

  /** Writes {@code content}, creating missing parent directories. */
  public static void write(byte[] file, byte[] content) {
    Path p = path(file);
    io(() -> {
      Files.createDirectories(p.getParent());
      return Files.write(p, content);
    });
  }

  public static void write(byte[] file, String content) {
    write(file, Bytes.of(content));
  }

  public static void append(byte[] file, byte[] content) {
    io(() -> Files.write(path(file), content, StandardOpenOption.APPEND));
  }

  public static byte[] read(byte[] file) {
    return io(() -> Files.readAllBytes(path(file)));
  }

  /** Creates symlink {@code link} pointing at {@code target} (stored as given, may be relative). */
  public static void symlink(byte[] link, byte[] target) {
    Path t = target.length > 0 && target[0] == '/'
        ? path(target)
        : Path.of("/").relativize(path(Bytes.concat(new byte[] {'/'}, target)));
    io(() -> Files.createSymbolicLink(path(link), t));
  }

  /** Permission bits, e.g. 0640. */
  public static void chmod(byte[] p, int mode) {
    io(() -> Files.setAttribute(path(p), "unix:mode", mode));
  }

  /** Owner and group by number (tests run as root). */
  public static void chown(byte[] p, int uid, int gid) {
    io(() -> {
      Files.setAttribute(path(p), "unix:uid", uid, NOFOLLOW);
      return Files.setAttribute(path(p), "unix:gid", gid, NOFOLLOW);
    });
  }

  public static void setMtime(byte[] p, long epochSeconds) {
    io(() -> {
      Files.getFileAttributeView(path(p), java.nio.file.attribute.BasicFileAttributeView.class, NOFOLLOW)
          .setTimes(FileTime.fromMillis(epochSeconds * 1000), null, null);
      return null;
    });
  }

  public static boolean exists(byte[] p) {
    return Files.exists(path(p), NOFOLLOW);
  }

  /** Removes a file, symlink or whole directory tree; no error when absent. */
  public static void delete(byte[] p) {
    TempFiles.deleteTree(path(p));
  }

  /** The raw names in {@code dir}, sorted bytewise (unsigned). */
  public static List<byte[]> list(byte[] dir) {
    List<byte[]> names = new ArrayList<>();
    Path d = path(dir);
    int prefix = bytes(d).length + (dir.length == 1 ? 0 : 1);
    io(() -> {
      try (var ds = Files.newDirectoryStream(d)) {
        for (Path child : ds) {
          byte[] full = bytes(child);
          names.add(Arrays.copyOfRange(full, prefix, full.length));
        }
      }
      return null;
    });
    names.sort(Arrays::compareUnsigned);
    return names;
  }

  // ---- hostile names

  /**
   * File names that break naive scripts: whitespace, newlines, leading dashes, glob and quote
   * characters, UTF-8, invalid UTF-8 (GBK, Latin-1 bytes), control bytes, rsync's own escape
   * syntax, names rsync's --files-from would take for comments ('#', ';'), and 255-byte names (the ext4 limit). All distinct, none contains '/' or NUL.
   */
  public static List<byte[]> hostileNames() {
    List<byte[]> n = new ArrayList<>();
    for (String s : List.of(
        "with space", " leading space", "trailing space ", "tab\there", "new\nline", "ends with newline\n",
        "carriage\rreturn", "-leading-dash", "--delete", "-", "*?[]\\", "back\\slash", "lit\\#012eral",
        "quote'single", "quote\"double", "`backtick` $(echo no) ${HOME}", "semi;colon|pipe&amp",
        "colon:name", "host::module", "~tilde", "#hash", ";semicolon", "%percent", "UTF-8 名字 ñ ü 😀", ".hidden", "..dots")) {
      n.add(Bytes.of(s));
    }
    n.add(new byte[] {'g', 'b', 'k', '-', (byte) 0xb9, (byte) 0xfa, '.', 't', 'x', 't'});
    n.add(new byte[] {'c', 'a', 'f', (byte) 0xe9});
    n.add(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0x80});
    n.add(new byte[] {'c', 't', 'l', 0x01, 0x1b, 0x7f});
    n.add(Bytes.of("x".repeat(255)));
    n.add(Bytes.of("长".repeat(85)));
    return n;
  }

  /** A relative path {@code depth} directories deep ({@code d000/d001/...}), without a trailing slash. */
  public static byte[] deepPath(int depth) {
    var sb = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (i > 0) sb.append('/');
      sb.append(String.format("deep-directory-%03d", i));
    }
    return Bytes.of(sb.toString());
  }

  /**
   * Makes {@code name10/name11/.../name30/file} in {@code dir} one level at a time from the level above
   * (python3's relative chdir), as any user can: with long names, deeper than a path may be long.
   */
  public static void chainOfDirs(byte[] dir, String name) {
    String out = run("python3", "-c", "import os,sys\nos.chdir(sys.argv[1])\nfor i in range(10, 31):\n"
        + "    os.mkdir(sys.argv[2] + str(i)); os.chdir(sys.argv[2] + str(i))\nopen('file', 'w').write('deep')\n", Bytes.latin1(dir), name);
    if (!out.isEmpty()) throw new IllegalStateException("making the chain failed: " + out);
  }

  /** Removes what {@link #chainOfDirs} made in each of {@code dirs}: rm walks it from the level above, as it was made. */
  public static void deleteChain(String name, byte[]... dirs) {
    List<String> argv = new ArrayList<>(List.of("rm", "-rf"));
    for (byte[] d : dirs) argv.add(Bytes.latin1(at(d, name + "10")));
    run(argv.toArray(String[]::new));
  }

  /**
   * Exchanges {@code a} and {@code b} in one step, as {@code mv --exchange} (coreutils 9.5) and
   * util-linux's {@code exch} do: renameat2 with RENAME_EXCHANGE (python3's ctypes; neither tool is
   * in Debian 12).
   */
  public static void exchange(byte[] a, byte[] b) {
    String out = run("python3", "-c", "import ctypes,os,sys\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        + "if libc.renameat2(-100, os.fsencode(sys.argv[1]), -100, os.fsencode(sys.argv[2]), 2) != 0:\n"
        + "    e = ctypes.get_errno(); sys.exit('renameat2: ' + os.strerror(e))\n", Bytes.latin1(a), Bytes.latin1(b));
    if (!out.isEmpty()) throw new IllegalStateException("the exchange said: " + out);
  }

  /** Runs {@code argv} to its end: its output (stderr merged); a failure exit throws. */
  private static String run(String... argv) {
    try {
      var p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) throw new IllegalStateException(argv[0] + " failed: " + out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- comparing trees

  private record Entry(char type, int mode, long mtime, long size, String hash, byte[] link) {}

  /**
   * Differences between the trees under {@code a} and {@code b} (the roots' own attributes are not
   * compared): names as bytes, type, content hash, mode, mtime in seconds, symlink targets. Empty
   * when the trees are equal. Each line names the path with {@link Bytes#display}.
   */
  public static List<String> differences(byte[] a, byte[] b, Ignore... ignore) {
    Set<Ignore> ig = ignore.length == 0 ? EnumSet.noneOf(Ignore.class) : EnumSet.copyOf(Arrays.asList(ignore));
    List<String> out = new ArrayList<>();
    compareDir(a, b, Bytes.EMPTY, ig, out);
    return out;
  }

  /** Fails with the first differences (at most 20) unless the trees are equal. */
  public static void assertSameTree(byte[] a, byte[] b, Ignore... ignore) {
    List<String> d = differences(a, b, ignore);
    if (!d.isEmpty()) throw new AssertionError(report(a, b, d));
  }

  /** Polls until the trees are equal, failing with the last differences after {@code timeout}. */
  public static void awaitSameTree(byte[] a, byte[] b, Duration timeout, Ignore... ignore) throws InterruptedException {
    awaitSameTree(a, b, timeout, () -> "", ignore);
  }

  /** As {@link #awaitSameTree(byte[], byte[], Duration, Ignore...)}, a failure also showing {@code context} (what the replicator said). */
  public static void awaitSameTree(byte[] a, byte[] b, Duration timeout, java.util.function.Supplier<String> context, Ignore... ignore)
      throws InterruptedException {
    Await.value("the trees equal", timeout, () -> {
      try {
        return differences(a, b, ignore);
      } catch (UncheckedIOException e) {
        return List.of("(tree changed while comparing: " + e.getMessage() + ")");
      }
    }, List::isEmpty, d -> report(a, b, d) + (context.get().isEmpty() ? "" : "\n" + context.get()));
  }

  /**
   * When anything in the tree last changed: the newest ctime under {@code dir}, itself included (the
   * kernel sets it on every write, rename, link, unlink and attribute change, and nothing sets it back).
   * On a tree that equals its source and is left alone, the moment it came to equal it.
   */
  public static java.time.Instant lastChange(byte[] dir) {
    FileTime[] newest = {FileTime.fromMillis(0)};
    try {
      Files.walkFileTree(path(dir), new java.nio.file.SimpleFileVisitor<>() {
        private void see(Path p) throws IOException {
          FileTime t;
          try {
            t = (FileTime) Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
          } catch (java.nio.file.NoSuchFileException gone) {
            return; // gone between the listing and its stat (rsync renaming its temporary file): not there now
          }
          if (t.compareTo(newest[0]) > 0) newest[0] = t;
        }

        @Override
        public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
          if (e instanceof java.nio.file.NoSuchFileException) return java.nio.file.FileVisitResult.CONTINUE; // the same
          throw e;
        }

        @Override
        public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a) throws IOException {
          see(d);
          return java.nio.file.FileVisitResult.CONTINUE;
        }

        @Override
        public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) throws IOException {
          see(f);
          return java.nio.file.FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return newest[0].toInstant();
  }

  private static String report(byte[] a, byte[] b, List<String> d) {
    var sb = new StringBuilder("trees differ: " + Bytes.display(a) + " vs " + Bytes.display(b) + " (" + d.size() + " differences)");
    d.stream().limit(20).forEach(line -> sb.append("\n  ").append(line));
    if (d.size() > 20) sb.append("\n  ...");
    return sb.toString();
  }

  private static void compareDir(byte[] a, byte[] b, byte[] rel, Set<Ignore> ig, List<String> out) {
    Map<BytePath, Entry> ea = entries(a);
    Map<BytePath, Entry> eb = entries(b);
    for (var e : ea.entrySet()) {
      byte[] name = e.getKey().unsafeArray();
      byte[] relChild = rel.length == 0 ? name : Bytes.child(rel, name);
      String shown = Bytes.display(relChild);
      Entry x = e.getValue();
      Entry y = eb.get(e.getKey());
      if (y == null) {
        out.add("missing in second: " + shown + " (" + describe(x) + ")");
        continue;
      }
      if (x.type != y.type) {
        out.add("type differs: " + shown + ": " + describe(x) + " vs " + describe(y));
        continue;
      }
      if (x.type == 'f' && !x.hash.equals(y.hash)) {
        out.add("content differs: " + shown + ": " + x.size + " vs " + y.size + " bytes");
      }
      if (x.type == 'l' && !Arrays.equals(x.link, y.link)) {
        out.add("symlink target differs: " + shown + ": " + Bytes.display(x.link) + " vs " + Bytes.display(y.link));
      }
      if (x.type != 'l' && !ig.contains(Ignore.MODES) && x.mode != y.mode) {
        out.add("mode differs: " + shown + ": " + Integer.toOctalString(x.mode) + " vs " + Integer.toOctalString(y.mode));
      }
      boolean checkTime = !ig.contains(Ignore.MTIMES) && !(x.type == 'd' && ig.contains(Ignore.DIR_MTIMES));
      if (checkTime && x.mtime != y.mtime) {
        out.add("mtime differs: " + shown + ": " + x.mtime + " vs " + y.mtime);
      }
      if (x.type == 'd') compareDir(Bytes.child(a, name), Bytes.child(b, name), relChild, ig, out);
    }
    for (var e : eb.entrySet()) {
      if (!ea.containsKey(e.getKey())) {
        byte[] name = e.getKey().unsafeArray();
        out.add("extra in second: " + Bytes.display(rel.length == 0 ? name : Bytes.child(rel, name)) + " (" + describe(e.getValue()) + ")");
      }
    }
  }

  private static String describe(Entry e) {
    return switch (e.type) {
      case 'd' -> "directory";
      case 'l' -> "symlink to " + Bytes.display(e.link);
      case 'f' -> "file, " + e.size + " bytes";
      default -> "special file";
    };
  }

  private static Map<BytePath, Entry> entries(byte[] dir) {
    Map<BytePath, Entry> m = new TreeMap<>(); // unsigned byte order
    for (byte[] name : list(dir)) {
      Entry e;
      try {
        e = entry(Bytes.child(dir, name));
      } catch (java.io.UncheckedIOException gone) {
        // gone between the listing and its stat (rsync renaming its temporary file): not there now
        if (gone.getCause() instanceof java.nio.file.NoSuchFileException) continue;
        throw gone;
      }
      m.put(BytePath.unsafeWrap(name), e);
    }
    return m;
  }

  private static Entry entry(byte[] file) {
    Path p = path(file);
    return io(() -> {
      Map<String, Object> at = Files.readAttributes(p, "unix:mode,lastModifiedTime,size,isDirectory,isSymbolicLink,isRegularFile", NOFOLLOW);
      int mode = (Integer) at.get("mode") & 07777;
      long mtime = ((FileTime) at.get("lastModifiedTime")).toMillis() / 1000;
      long size = (Long) at.get("size");
      if ((Boolean) at.get("isSymbolicLink")) {
        Path t = Files.readSymbolicLink(p);
        byte[] tb = t.isAbsolute() ? bytes(t) : relativeBytes(t);
        return new Entry('l', mode, mtime, size, "", tb);
      }
      if ((Boolean) at.get("isDirectory")) return new Entry('d', mode, mtime, 0, "", null);
      if ((Boolean) at.get("isRegularFile")) return new Entry('f', mode, mtime, size, sha256(p), null);
      return new Entry('s', mode, mtime, size, "", null);
    });
  }

  /** Raw bytes of a relative Path (resolved under "/" to print it, then the "/" is dropped). */
  private static byte[] relativeBytes(Path rel) {
    byte[] abs = bytes(Path.of("/").resolve(rel));
    return Arrays.copyOfRange(abs, 1, abs.length);
  }

  private static String sha256(Path p) throws IOException {
    try {
      var md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(p)) {
        byte[] buf = new byte[65536];
        for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface IoAction<T> {
    T run() throws IOException;
  }

  private static <T> T io(IoAction<T> a) {
    try {
      return a.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
