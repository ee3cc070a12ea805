package dev.livesync.events;

import static dev.livesync.fs.InotifyMask.IN_ACCESS;
import static dev.livesync.fs.InotifyMask.IN_ALL_EVENTS;
import static dev.livesync.fs.InotifyMask.IN_ATTRIB;
import static dev.livesync.fs.InotifyMask.IN_CLOSE_NOWRITE;
import static dev.livesync.fs.InotifyMask.IN_CLOSE_WRITE;
import static dev.livesync.fs.InotifyMask.IN_CREATE;
import static dev.livesync.fs.InotifyMask.IN_DELETE;
import static dev.livesync.fs.InotifyMask.IN_DELETE_SELF;
import static dev.livesync.fs.InotifyMask.IN_IGNORED;
import static dev.livesync.fs.InotifyMask.IN_ISDIR;
import static dev.livesync.fs.InotifyMask.IN_MODIFY;
import static dev.livesync.fs.InotifyMask.IN_MOVED_FROM;
import static dev.livesync.fs.InotifyMask.IN_MOVED_TO;
import static dev.livesync.fs.InotifyMask.IN_MOVE_SELF;
import static dev.livesync.fs.InotifyMask.IN_ONESHOT;
import static dev.livesync.fs.InotifyMask.IN_OPEN;
import static dev.livesync.fs.InotifyMask.IN_Q_OVERFLOW;
import static dev.livesync.fs.InotifyMask.IN_UNMOUNT;

import java.util.Locale;

/** inotify event names as inotifywait reads (-e) and prints (%e) them, in its order. */
final class EventNames {
  static final int IN_CLOSE = IN_CLOSE_WRITE | IN_CLOSE_NOWRITE;
  static final int IN_MOVE = IN_MOVED_FROM | IN_MOVED_TO;

  /** Printing order of inotifywait; CLOSE follows IGNORED and is printed for either close event. */
  private static final int[] PRINT_BITS = {
    IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_OPEN, IN_MOVED_FROM,
    IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_UNMOUNT, IN_Q_OVERFLOW, IN_IGNORED, IN_CLOSE,
    IN_MOVE_SELF, IN_ISDIR, IN_ONESHOT
  };
  private static final String[] PRINT_NAMES = {
    "ACCESS", "MODIFY", "ATTRIB", "CLOSE_WRITE", "CLOSE_NOWRITE", "OPEN", "MOVED_FROM", "MOVED_TO",
    "CREATE", "DELETE", "DELETE_SELF", "UNMOUNT", "Q_OVERFLOW", "IGNORED", "CLOSE", "MOVE_SELF", "ISDIR",
    "ONESHOT"
  };

  private EventNames() {}

  /** The names of the events in {@code mask} joined by {@code sep}, or {@code 0x%08x} if none. */
  static String toString(int mask, char sep) {
    var sb = new StringBuilder(32);
    for (int i = 0; i < PRINT_BITS.length; i++) {
      if ((mask & PRINT_BITS[i]) != 0) {
        if (!sb.isEmpty()) sb.append(sep);
        sb.append(PRINT_NAMES[i]);
      }
    }
    if (sb.isEmpty()) return String.format("0x%08x", mask);
    return sb.toString();
  }

  /**
   * Parses comma-separated event names (case-insensitive): the mask, 0 when empty (or when the list
   * ends with a comma, as inotifytools has it), or -1 when a name is unknown.
   */
  static int parse(String list) {
    if (list == null || list.isEmpty()) return 0;
    int ret = 0;
    int start = 0;
    while (true) {
      int comma = list.indexOf(',', start);
      String one = comma < 0 ? list.substring(start) : list.substring(start, comma);
      int bits = parseOne(one);
      if (bits == 0 || bits == -1) return bits;
      ret |= bits;
      if (comma < 0) return ret;
      start = comma + 1;
      if (start == list.length()) return 0;
    }
  }

  private static int parseOne(String name) {
    if (name.isEmpty()) return 0;
    return switch (name.toUpperCase(Locale.ROOT)) {
      case "ACCESS" -> IN_ACCESS;
      case "MODIFY" -> IN_MODIFY;
      case "ATTRIB" -> IN_ATTRIB;
      case "CLOSE_WRITE" -> IN_CLOSE_WRITE;
      case "CLOSE_NOWRITE" -> IN_CLOSE_NOWRITE;
      case "OPEN" -> IN_OPEN;
      case "MOVED_FROM" -> IN_MOVED_FROM;
      case "MOVED_TO" -> IN_MOVED_TO;
      case "CREATE" -> IN_CREATE;
      case "DELETE" -> IN_DELETE;
      case "DELETE_SELF" -> IN_DELETE_SELF;
      case "UNMOUNT" -> IN_UNMOUNT;
      case "Q_OVERFLOW" -> IN_Q_OVERFLOW;
      case "IGNORED" -> IN_IGNORED;
      case "CLOSE" -> IN_CLOSE;
      case "MOVE_SELF" -> IN_MOVE_SELF;
      case "MOVE" -> IN_MOVE;
      case "ISDIR" -> IN_ISDIR;
      case "ONESHOT" -> IN_ONESHOT;
      case "ALL_EVENTS" -> IN_ALL_EVENTS;
      default -> -1;
    };
  }

  /** The event list both tools print at the end of --help. */
  static String descriptions() {
    return """
        \taccess\t\tfile or directory contents were read
        \tmodify\t\tfile or directory contents were written
        \tattrib\t\tfile or directory attributes changed
        \tclose_write\tfile or directory closed, after being opened in
        \t           \twritable mode
        \tclose_nowrite\tfile or directory closed, after being opened in
        \t           \tread-only mode
        \tclose\t\tfile or directory closed, regardless of read/write mode
        \topen\t\tfile or directory opened
        \tmoved_to\tfile or directory moved to watched directory
        \tmoved_from\tfile or directory moved from watched directory
        \tmove\t\tfile or directory moved to or from watched directory
        \tmove_self\t\tA watched file or directory was moved.
        \tcreate\t\tfile or directory created within watched directory
        \tdelete\t\tfile or directory deleted within watched directory
        \tdelete_self\tfile or directory was deleted
        \tunmount\t\tfile system containing file or directory unmounted
        """;
  }
}
