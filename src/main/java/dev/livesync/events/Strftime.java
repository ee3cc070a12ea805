package dev.livesync.events;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * strftime(3) in the C locale, for {@code --timefmt}: every conversion of glibc's strftime except
 * the locale-specific alternatives (%E and %O are accepted and ignored), with the glibc flags
 * {@code - _ 0 ^ #} and a field width. An unknown conversion is copied as is, as glibc does.
 */
final class Strftime {
  private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  private static final String[] MONTHS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December"
  };
  private static final DateTimeFormatter ZONE = DateTimeFormatter.ofPattern("zzz", Locale.ROOT);

  private final String pattern;

  Strftime(String pattern) {
    this.pattern = pattern;
  }

  String format(ZonedDateTime t) {
    var sb = new StringBuilder(pattern.length() + 16);
    format(pattern, t, sb);
    return sb.toString();
  }

  private static void format(String p, ZonedDateTime t, StringBuilder out) {
    int n = p.length();
    for (int i = 0; i < n; i++) {
      char c = p.charAt(i);
      if (c != '%' || i == n - 1) {
        out.append(c);
        continue;
      }
      int start = i;
      i++;
      char flag = 0;
      boolean upper = false;
      boolean swapCase = false;
      while (i < n && "-_0^#".indexOf(p.charAt(i)) >= 0) {
        char f = p.charAt(i++);
        if (f == '^') upper = true;
        else if (f == '#') swapCase = true;
        else flag = f;
      }
      int width = -1;
      while (i < n && Character.isDigit(p.charAt(i))) {
        width = (width < 0 ? 0 : width * 10) + (p.charAt(i++) - '0');
      }
      while (i < n && (p.charAt(i) == 'E' || p.charAt(i) == 'O')) i++;
      if (i >= n) {
        out.append(p, start, n);
        break;
      }
      char conv = p.charAt(i);
      String s = conversion(conv, t, flag, width);
      if (s == null) {
        out.append(p, start, i + 1);
        continue;
      }
      if (upper) s = s.toUpperCase(Locale.ROOT);
      else if (swapCase) s = swap(conv, s);
      if (width > s.length() && !isNumeric(conv)) s = " ".repeat(width - s.length()) + s;
      out.append(s);
    }
  }

  private static boolean isNumeric(char conv) {
    return "CdegGHIjklmMsSuUVwWyY".indexOf(conv) >= 0;
  }

  private static String swap(char conv, String s) {
    // glibc's '#': names in upper case, %p in lower case, %Z in lower case
    if (conv == 'p' || conv == 'Z') return s.toLowerCase(Locale.ROOT);
    if ("aAbBh".indexOf(conv) >= 0) return s.toUpperCase(Locale.ROOT);
    return s;
  }

  private static String conversion(char conv, ZonedDateTime t, char flag, int width) {
    int dow = t.getDayOfWeek().getValue() % 7; // 0 = Sunday
    int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
    return switch (conv) {
      case 'a' -> DAYS[dow].substring(0, 3);
      case 'A' -> DAYS[dow];
      case 'b', 'h' -> MONTHS[t.getMonthValue() - 1].substring(0, 3);
      case 'B' -> MONTHS[t.getMonthValue() - 1];
      case 'c' -> fmt("%a %b %e %H:%M:%S %Y", t);
      case 'C' -> num(Math.floorDiv(t.getYear(), 100), 2, '0', flag, width);
      case 'd' -> num(t.getDayOfMonth(), 2, '0', flag, width);
      case 'D', 'x' -> fmt("%m/%d/%y", t);
      case 'e' -> num(t.getDayOfMonth(), 2, ' ', flag, width);
      case 'F' -> fmt("%Y-%m-%d", t);
      case 'g' -> num(Math.floorMod(t.get(IsoFields.WEEK_BASED_YEAR), 100), 2, '0', flag, width);
      case 'G' -> num(t.get(IsoFields.WEEK_BASED_YEAR), 1, '0', flag, width);
      case 'H' -> num(t.getHour(), 2, '0', flag, width);
      case 'I' -> num(hour12, 2, '0', flag, width);
      case 'j' -> num(t.getDayOfYear(), 3, '0', flag, width);
      case 'k' -> num(t.getHour(), 2, ' ', flag, width);
      case 'l' -> num(hour12, 2, ' ', flag, width);
      case 'm' -> num(t.getMonthValue(), 2, '0', flag, width);
      case 'M' -> num(t.getMinute(), 2, '0', flag, width);
      case 'n' -> "\n";
      case 'p' -> t.getHour() < 12 ? "AM" : "PM";
      case 'P' -> t.getHour() < 12 ? "am" : "pm";
      case 'r' -> fmt("%I:%M:%S %p", t);
      case 'R' -> fmt("%H:%M", t);
      case 's' -> num(t.toEpochSecond(), 1, '0', flag, width);
      case 'S' -> num(t.getSecond(), 2, '0', flag, width);
      case 't' -> "\t";
      case 'T', 'X' -> fmt("%H:%M:%S", t);
      case 'u' -> num(t.getDayOfWeek().getValue(), 1, '0', flag, width);
      case 'U' -> num((t.getDayOfYear() + 6 - dow) / 7, 2, '0', flag, width);
      case 'V' -> num(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, '0', flag, width);
      case 'w' -> num(dow, 1, '0', flag, width);
      case 'W' -> num((t.getDayOfYear() + 6 - (dow + 6) % 7) / 7, 2, '0', flag, width);
      case 'y' -> num(Math.floorMod(t.getYear(), 100), 2, '0', flag, width);
      case 'Y' -> num(t.getYear(), 1, '0', flag, width);
      case 'z' -> offset(t.get(ChronoField.OFFSET_SECONDS));
      case 'Z' -> t.format(ZONE);
      case '%' -> "%";
      case '+' -> fmt("%a %b %e %H:%M:%S %Z %Y", t);
      default -> null;
    };
  }

  private static String fmt(String p, ZonedDateTime t) {
    var sb = new StringBuilder();
    format(p, t, sb);
    return sb.toString();
  }

  private static String offset(int seconds) {
    int abs = Math.abs(seconds);
    return String.format("%c%02d%02d", seconds < 0 ? '-' : '+', abs / 3600, abs / 60 % 60);
  }

  /** A number padded to {@code digits} with {@code pad}, as changed by the flag and width. */
  private static String num(long value, int digits, char pad, char flag, int width) {
    String s = Long.toString(Math.abs(value));
    String sign = value < 0 ? "-" : "";
    if (flag == '-') return sign + s;
    if (flag == '_') pad = ' ';
    else if (flag == '0') pad = '0';
    int w = Math.max(width < 0 ? digits : width, 0) - sign.length();
    if (s.length() >= w) return sign + s;
    return pad == '0' ? sign + "0".repeat(w - s.length()) + s : " ".repeat(w - s.length()) + sign + s;
  }

}
