package dev.livesync.fs;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Paths are byte strings (see docs/decisions.md). These are the few operations the code needs on
 * them; a String is made only for display or for regex matching.
 */
public final class Bytes {
  public static final byte[] EMPTY = new byte[0];
  /**
   * How this JVM encodes the command lines it starts and decodes its own: the locale's character set
   * (ASCII where no locale is set; the launchers set a UTF-8 one).
   */
  public static final Charset COMMAND_LINE = commandLineCharset();

  private Bytes() {}

  private static Charset commandLineCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return StandardCharsets.US_ASCII;
    }
  }

  public static byte[] of(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** {@code dir} ending in one slash: itself when it ends in one already, else {@code dir + "/"} (the empty path gives "/"). */
  public static byte[] withSlash(byte[] dir) {
    return dir.length > 0 && dir[dir.length - 1] == '/' ? dir : concat(dir, new byte[] {'/'});
  }

  /** {@code dir + "/" + name}, with no doubled slash when dir already ends in one. */
  public static byte[] child(byte[] dir, byte[] name) {
    if (dir.length > 0 && dir[dir.length - 1] == '/') return concat(dir, name);
    byte[] out = new byte[dir.length + 1 + name.length];
    System.arraycopy(dir, 0, out, 0, dir.length);
    out[dir.length] = '/';
    System.arraycopy(name, 0, out, dir.length + 1, name.length);
    return out;
  }

  /** {@code path} without one trailing slash ("/" itself stays "/"). */
  public static byte[] trimSlash(byte[] path) {
    return path.length > 1 && path[path.length - 1] == '/' ? Arrays.copyOf(path, path.length - 1) : path;
  }

  /** {@code path} without its trailing slashes ("/" itself stays "/"); {@code path} itself when it has none. */
  public static byte[] trimSlashes(byte[] path) {
    int to = path.length;
    while (to > 1 && path[to - 1] == '/') to--;
    return to == path.length ? path : Arrays.copyOf(path, to);
  }

  public static boolean startsWith(byte[] s, byte[] prefix) {
    return s.length >= prefix.length && Arrays.equals(s, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** True when {@code path} is {@code dir} or lies below it ({@code dir/...}); dir has no trailing slash. */
  public static boolean isUnder(byte[] path, byte[] dir) {
    return startsWith(path, dir) && (path.length == dir.length || path[dir.length] == '/');
  }

  /** Lossless 1:1 byte-to-char mapping (ISO-8859-1), for regexes that must see every byte. */
  public static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  public static byte[] fromLatin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** For humans: UTF-8 where valid, other bytes as {@code \xNN}, control characters escaped. */
  public static String display(byte[] b) {
    var sb = new StringBuilder(b.length + 8);
    var dec = StandardCharsets.UTF_8.newDecoder();
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      int len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
      if (len == 1) {
        if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", c));
        else if (c == '\\') sb.append("\\\\");
        else sb.append((char) c);
        i++;
        continue;
      }
      if (len > 1 && i + len <= b.length) {
        try {
          sb.append(dec.decode(java.nio.ByteBuffer.wrap(b, i, len)));
          i += len;
          continue;
        } catch (java.nio.charset.CharacterCodingException ignored) {
          // fall through: escape the lead byte
        }
      }
      sb.append(String.format("\\x%02x", c));
      i++;
    }
    return sb.toString();
  }
}
