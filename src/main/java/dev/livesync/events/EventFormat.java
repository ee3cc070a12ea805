package dev.livesync.events;

import dev.livesync.fs.Strftime;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Renders one event the way inotifywait prints it: a {@code --format} string ({@code %w %f %e %Xe %c
 * %T %0 %n %%}), the default line {@code "%w %,e %f\n"}, or a CSV record. Works on bytes, since the
 * paths are bytes; output is capped at 4095 bytes per event like inotifytools.
 */
final class EventFormat {
  static final String DEFAULT = "%w %,e %f\n";
  private static final int MAX = 4096;

  private final byte[] fmt;
  private final Strftime timefmt;

  /**
   * @param format the format, as bytes (a newline already appended unless --no-newline)
   * @param timefmt the --timefmt for %T, or null (then %T is empty)
   */
  EventFormat(byte[] format, String timefmt) {
    this.fmt = format;
    this.timefmt = timefmt == null || timefmt.isEmpty() ? null : new Strftime(Messages.bytes(timefmt));
  }

  static EventFormat defaultLine() {
    return new EventFormat(DEFAULT.getBytes(StandardCharsets.ISO_8859_1), null);
  }

  /**
   * False when inotifywait rejects the format ("Something is wrong with your format string."): empty,
   * too long, or printing nothing for the made-up event it checks formats with (no watch, no name).
   * Only {@code %w} and {@code %f} print nothing there, so {@code --format '%w%f' --no-newline} is
   * refused; every other byte or conversion prints something, and a lone trailing '%' ends the check.
   */
  static boolean valid(byte[] format) {
    if (format.length == 0 || format.length > MAX) return false;
    for (int i = 0; i < format.length; i++) {
      if (format[i] != '%' || i == format.length - 1) return true;
      byte ch1 = format[++i];
      if (ch1 != 'w' && ch1 != 'f') return true;
    }
    return false;
  }

  /** Appends the rendering of one event to {@code out}. */
  void render(byte[] watchPath, byte[] name, int mask, int cookie, ByteArrayOutputStream out) {
    var buf = new Buf(out);
    int n = fmt.length;
    for (int i = 0; i < n && !buf.full(); i++) {
      byte c = fmt[i];
      if (c != '%') {
        buf.put(c);
        continue;
      }
      if (i == n - 1) break; // a lone trailing '%': inotifytools stops there
      byte ch1 = fmt[i + 1];
      switch (ch1) {
        case '%' -> buf.put((byte) '%');
        case '0' -> buf.put((byte) 0);
        case 'n' -> buf.put((byte) '\n');
        case 'w' -> buf.put(watchPath);
        case 'f' -> buf.put(name);
        case 'c' -> buf.put(Integer.toHexString(cookie));
        case 'e' -> buf.put(EventNames.toString(mask, ','));
        case 'T' -> {
          if (timefmt != null) buf.put(timefmt.format(System.currentTimeMillis() / 1000));
        }
        default -> {
          if (i < n - 2 && fmt[i + 2] == 'e') {
            buf.put(EventNames.toString(mask, (char) (ch1 & 0xff)));
            i += 2;
            continue;
          }
          buf.put((byte) '%');
          buf.put(ch1);
        }
      }
      i++;
    }
  }

  /** inotifywait -c: {@code watched,EVENTS,name} with RFC-4180-like quoting. */
  static void renderCsv(byte[] watchPath, byte[] name, int mask, ByteArrayOutputStream out) {
    byte[] w = csvEscape(watchPath);
    if (w.length > 0) {
      out.writeBytes(w);
      out.write(',');
    }
    out.writeBytes(csvEscape(EventNames.toString(mask, ',').getBytes(StandardCharsets.ISO_8859_1)));
    out.write(',');
    out.writeBytes(csvEscape(name));
    out.write('\n');
  }

  /** Quotes a field holding '"', ',' or a newline, or starting or ending with a space. */
  static byte[] csvEscape(byte[] s) {
    if (s.length == 0 || s.length > MAX) return new byte[0];
    boolean quote = s[0] == ' ' || s[s.length - 1] == ' ';
    for (byte b : s) {
      if (b == '"' || b == ',' || b == '\n') quote = true;
    }
    if (!quote) return s;
    var out = new ByteArrayOutputStream(s.length + 8);
    out.write('"');
    for (byte b : s) {
      if (b == '"') out.write('"');
      out.write(b);
    }
    out.write('"');
    return out.toByteArray();
  }

  /** Output limited to MAX - 1 bytes, as inotifytools_snprintf does. */
  private static final class Buf {
    private final ByteArrayOutputStream out;
    private int len;

    Buf(ByteArrayOutputStream out) {
      this.out = out;
    }

    boolean full() {
      return len >= MAX - 1;
    }

    void put(byte b) {
      if (full()) return;
      out.write(b);
      len++;
    }

    void put(byte[] b) {
      int n = Math.min(b.length, MAX - 1 - len);
      if (n <= 0) return;
      out.write(b, 0, n);
      len += n;
    }

    void put(String s) {
      put(s.getBytes(StandardCharsets.ISO_8859_1));
    }

  }
}
