package dev.livesync.events;

import static dev.livesync.fs.InotifyMask.IN_CREATE;
import static dev.livesync.fs.InotifyMask.IN_MOVED_TO;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.PosixRegex;
import dev.livesync.fs.WatchEvent;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * inotifywait's and inotifywatch's {@code --exclude}/{@code --excludei}/{@code --include}/{@code --includei},
 * compiled as inotify-tools does: one POSIX regex, an include replacing an exclude and inverting the
 * match ({@code regex} null: none given).
 */
record RegexOption(PosixRegex regex, boolean invert) {
  /** The option as given, or null after saying on {@code err} which expression is wrong. */
  static RegexOption compile(String excRegex, String excIregex, String incRegex, String incIregex, PrintStream err) {
    String exc = excRegex != null ? excRegex : excIregex;
    String inc = incRegex != null ? incRegex : incIregex;
    PosixRegex regex = null;
    boolean invert = false;
    try {
      if (exc != null) regex = PosixRegex.compile(Messages.bytes(exc), excIregex != null);
    } catch (IllegalArgumentException e) {
      err.print("Error in `exclude' regular expression.\n");
      return null;
    }
    try {
      if (inc != null) {
        regex = PosixRegex.compile(Messages.bytes(inc), incIregex != null);
        invert = true;
      }
    } catch (IllegalArgumentException e) {
      err.print("Error in `include' regular expression.\n");
      return null;
    }
    return new RegexOption(regex, invert);
  }

  /**
   * The filter inotifytools applies before handing an event out: true when {@code e} does not pass. With
   * {@code recursive}, a directory created or moved in always passes (the tool must learn of it).
   */
  boolean filteredOut(WatchEvent e, boolean recursive) {
    if (regex == null) return false;
    if (recursive && e.isDir() && e.has(IN_CREATE | IN_MOVED_TO)) return false;
    byte[] subject = Bytes.concat(e.watchPath(), e.name());
    if (subject.length > 4095) subject = Arrays.copyOf(subject, 4095);
    return regex.find(subject) != invert;
  }
}
