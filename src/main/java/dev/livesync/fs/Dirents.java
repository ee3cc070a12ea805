package dev.livesync.fs;

import static dev.livesync.fs.Libc.DT_DIR;
import static dev.livesync.fs.Libc.DT_UNKNOWN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A reusable getdents64 buffer for {@link Libc#listDir} (one per thread), and the parse of what one
 * call filled in: struct linux_dirent64 {u64 ino; s64 off; u16 reclen; u8 type; char name[];}.
 */
final class Dirents {
  final MemorySegment seg = Arena.ofAuto().allocate(64 * 1024, 8);
  final byte[] raw = new byte[64 * 1024];
  boolean inUse;

  void parse(long n, boolean dirsOnly, Libc.InodeEntryConsumer consumer) {
    MemorySegment.copy(seg, JAVA_BYTE, 0, raw, 0, (int) n);
    int at = 0;
    while (at < n) {
      int reclen = (raw[at + 16] & 0xff) | (raw[at + 17] & 0xff) << 8;
      if (reclen < 20) throw new IllegalStateException("getdents64 gave a record of " + reclen + " bytes at " + at + " of " + n);
      int type = raw[at + 18] & 0xff;
      int nameStart = at + 19;
      if (dirsOnly && type != DT_DIR && type != DT_UNKNOWN) {
        at += reclen;
        continue;
      }
      int end = nameStart;
      while (raw[end] != 0) end++;
      int len = end - nameStart;
      boolean dot = (len == 1 && raw[nameStart] == '.')
          || (len == 2 && raw[nameStart] == '.' && raw[nameStart + 1] == '.');
      if (!dot) {
        byte[] name = new byte[len];
        System.arraycopy(raw, nameStart, name, 0, len);
        consumer.entry(name, type, littleEndianLong(raw, at));
      }
      at += reclen;
    }
  }

  private static long littleEndianLong(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | (b[at + i] & 0xff);
    return v;
  }
}
