package dev.livesync.events;

import dev.livesync.fs.Bytes;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command-line arguments as the bytes the process got. The JVM decodes argv to Strings (UTF-8
 * here), which cannot hold a file name that is not valid UTF-8; the original bytes are still in
 * /proc/self/cmdline. When the tail of that matches {@code args} (it does when run by the launcher),
 * those bytes are used; otherwise (e.g. called in-process by a test) the Strings are encoded as UTF-8.
 */
public final class RawArgs {
  private RawArgs() {}

  static byte[][] of(String[] args) {
    byte[][] raw = fromCmdline(args);
    if (raw != null) return raw;
    byte[][] out = new byte[args.length][];
    for (int i = 0; i < args.length; i++) out[i] = args[i].getBytes(StandardCharsets.UTF_8);
    return out;
  }

  private static byte[][] fromCmdline(String[] args) {
    byte[] all;
    try {
      all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    List<byte[]> words = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == 0) {
        words.add(Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    if (words.size() < args.length) return null;
    Charset jnu = Bytes.COMMAND_LINE;
    byte[][] tail = words.subList(words.size() - args.length, words.size()).toArray(new byte[0][]);
    for (int i = 0; i < args.length; i++) {
      if (!new String(tail[i], jnu).equals(args[i])) return null;
    }
    return tail;
  }

  /**
   * One argument as the bytes the process got: the word of /proc/self/cmdline that the JVM decoded to
   * {@code arg} (a name that is not valid UTF-8 comes as U+FFFD in its place); when no word, or words
   * of different bytes, decode to it (called in-process), its UTF-8 bytes.
   */
  public static byte[] bytes(String arg) {
    byte[] found = null;
    try {
      byte[] all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
      int start = 0;
      for (int i = 0; i < all.length; i++) {
        if (all[i] != 0) continue;
        byte[] w = Arrays.copyOfRange(all, start, i);
        start = i + 1;
        if (!new String(w, Bytes.COMMAND_LINE).equals(arg)) continue;
        if (found != null && !Arrays.equals(found, w)) return arg.getBytes(StandardCharsets.UTF_8);
        found = w;
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: as the JVM has it
    }
    return found != null ? found : arg.getBytes(StandardCharsets.UTF_8);
  }

  /** The arguments as the bytes the process got ({@link #of}), each held as latin1 chars: what the tools parse. */
  static String[] latin1(String[] args) {
    byte[][] raw = of(args);
    String[] s = new String[raw.length];
    for (int i = 0; i < raw.length; i++) s[i] = latin1(raw[i]);
    return s;
  }

  static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
