package dev.livesync.fs;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/** The errno values livesync reacts to by name. */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int EPIPE = 32;
  public static final int EMFILE = 24;
  public static final int ENOSPC = 28;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;

  private Errno() {}

  /** The constants above by value: each name is written once, where its number is. */
  private static final Map<Integer, String> NAMES = names();

  public static String name(int errno) {
    return NAMES.getOrDefault(errno, "errno " + errno);
  }

  private static Map<Integer, String> names() {
    Map<Integer, String> byValue = new HashMap<>();
    for (Field f : Errno.class.getDeclaredFields()) {
      if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers())) continue;
      try {
        byValue.put(f.getInt(null), f.getName());
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
    return Map.copyOf(byValue);
  }

  /** ENOENT; ENOTDIR or ELOOP: a directory on the way is a file or a symlink now. */
  public static boolean gone(int errno) {
    return errno == ENOENT || errno == ENOTDIR || errno == ELOOP;
  }
}
