package dev.livesync.transport;

import java.io.ByteArrayOutputStream;

/**
 * rsync prints file names in its messages with unprintable bytes (in the C locale: every byte
 * >= 0x80 and control characters) as {@code \#ooo} (octal), and a backslash that precedes '#' as
 * {@code \#134}; so decoding is exact and yields the raw name.
 */
final class RsyncEscapes {
  private RsyncEscapes() {}

  static byte[] decode(byte[] s) {
    var out = new ByteArrayOutputStream(s.length);
    for (int i = 0; i < s.length; i++) {
      if (s[i] == '\\' && i + 4 < s.length && s[i + 1] == '#' && octal(s[i + 2]) && octal(s[i + 3]) && octal(s[i + 4])) {
        out.write(((s[i + 2] - '0') << 6) | ((s[i + 3] - '0') << 3) | (s[i + 4] - '0'));
        i += 4;
      } else {
        out.write(s[i]);
      }
    }
    return out.toByteArray();
  }

  private static boolean octal(byte b) {
    return b >= '0' && b <= '7';
  }
}
