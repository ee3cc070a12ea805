package dev.livesync.events;

import java.io.PrintStream;

/** The -t/--timeout value, read like strtol(3) base 10 with inotify-tools' checks and messages. */
final class Timeout {
  private Timeout() {}

  /** The value in seconds, or null after printing why it is not valid. */
  static Long parse(String o, PrintStream err) {
    if (o == null || o.isEmpty()) {
      err.print("The provided value is not a valid timeout value.\nPlease specify a long int value.\n");
      return null;
    }
    int i = 0;
    int n = o.length();
    while (i < n && isSpace(o.charAt(i))) i++;
    int signAt = i;
    if (i < n && (o.charAt(i) == '+' || o.charAt(i) == '-')) i++;
    int digits = i;
    while (i < n && o.charAt(i) >= '0' && o.charAt(i) <= '9') i++;
    if (i == digits) {
      // strtol consumed nothing: the whole string is left over
      err.printf("'%s' is not a valid timeout value.\nPlease specify a long int value.\n", o);
      return null;
    }
    long value;
    try {
      value = Long.parseLong(o.substring(signAt, i));
    } catch (NumberFormatException e) {
      err.print("Something went wrong with the timeout value you provided.\nNumerical result out of range\n");
      return null;
    }
    if (i != n) {
      err.printf("'%s' is not a valid timeout value.\nPlease specify a long int value.\n", o);
      return null;
    }
    return value;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }
}
