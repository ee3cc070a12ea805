package dev.livesync.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * /proc/self/mountinfo: which mount a path is on, its filesystem type and what part of the filesystem
 * it shows; and /etc/fstab: whether what should be mounted above a path is.
 */
public final class Mounts {
  private Mounts() {}

  /**
   * One mount: {@code root} is the directory of the filesystem mounted (/ for the whole of it, else a
   * bind mount or a btrfs subvolume), {@code mountPoint} where it is, {@code type} its filesystem type,
   * {@code devno} the filesystem's major:minor.
   */
  public record Mount(String root, String mountPoint, String type, String device, String devno) {}

  /** The mount {@code path} (absolute, symlinks resolved) is on, or null when mountinfo cannot be read. */
  public static Mount of(Path path) {
    return of(path.toString());
  }

  /** {@link #of(Path)} of a path written as mountinfo writes them (one char a byte). */
  static Mount of(String p) {
    List<Mount> all = all();
    Mount best = null;
    for (Mount m : all) {
      String mp = m.mountPoint();
      boolean covers = mp.equals("/") || p.equals(mp) || p.startsWith(mp + "/");
      if (covers && (best == null || mp.length() >= best.mountPoint().length())) best = m; // the last of equals is on top
    }
    return best;
  }

  /**
   * Where the directory {@code real} (absolute, symlinks resolved) is in its filesystem, whatever
   * mount shows it: the filesystem's major:minor, then the path from its top (a bind mount's
   * directory is where the mount's root is); null when mountinfo cannot be read. Two paths with the
   * same location are one directory; one whose location lies below another's lies inside it, however
   * either is mounted.
   */
  public static String location(Path real) {
    Mount m = of(real);
    if (m == null) return null;
    String mp = m.mountPoint(), p = real.toString();
    String below = mp.equals("/") ? p : p.substring(mp.length());
    return m.devno() + ":" + Path.of(m.root() + "/" + below).normalize();
  }

  /**
   * The mount point that /etc/fstab gives for {@code path} (absolute) or the nearest directory above
   * it, / aside, when nothing is mounted there now; null when there is none, or fstab cannot be read.
   * Written to, such a path fills the filesystem under the mount point: a backup disk or an NFS share
   * that did not mount, or was unmounted. Symlinks in the existing part of {@code path} are resolved
   * too. (Tests point the system property {@code livesync.fstab} at a file of their own.)
   */
  public static String notMounted(Path path) {
    List<String> points = fstabMountPoints(Path.of(System.getProperty("livesync.fstab", "/etc/fstab")));
    if (points.isEmpty()) return null;
    String nearest = null;
    for (Path p : List.of(path.toAbsolutePath().normalize(), RealPath.of(path).path())) {
      String s = p.toString();
      for (String mp : points) {
        if ((s.equals(mp) || s.startsWith(mp + "/")) && (nearest == null || mp.length() > nearest.length())) nearest = mp;
      }
    }
    if (nearest == null) return null;
    String real = RealPath.of(Path.of(nearest)).path().toString(); // fstab may name it through a symlink
    for (Mount m : all()) if (m.mountPoint().equals(nearest) || m.mountPoint().equals(real)) return null;
    return nearest;
  }

  /** How each check says what {@link #notMounted} found ({@code mountPoint}), before what it does about it. */
  public static String belowNothingMounted(String mountPoint) {
    return "is below " + mountPoint + ", which /etc/fstab mounts, but nothing is mounted there";
  }

  /** The absolute mount points of {@code fstab} but /, in its order (swap and "none" left out). */
  static List<String> fstabMountPoints(Path fstab) {
    List<String> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(fstab, StandardCharsets.ISO_8859_1)) {
        String[] f = line.strip().split("\\s+");
        if (f.length < 2 || f[0].startsWith("#") || !f[1].startsWith("/") || unescape(f[1]).indexOf(0) >= 0) continue;
        String mp = Path.of(unescape(f[1])).normalize().toString();
        if (!mp.equals("/")) out.add(mp);
      }
    } catch (IOException e) {
      return List.of();
    }
    return out;
  }

  static List<Mount> all() {
    List<Mount> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.ISO_8859_1)) {
        String[] f = line.split(" ");
        int dash = -1;
        for (int i = 6; i < f.length; i++) if (f[i].equals("-")) { dash = i; break; }
        if (dash < 0 || dash + 2 >= f.length) continue;
        out.add(new Mount(unescape(f[3]), unescape(f[4]), f[dash + 1], unescape(f[dash + 2]), f[2]));
      }
    } catch (IOException e) {
      return List.of();
    }
    return out;
  }

  /** mountinfo writes space, tab, newline and backslash as \ooo. */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) return s;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        try {
          b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
          i += 3;
          continue;
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
          // not an escape: keep it
        }
      }
      b.append(c);
    }
    return b.toString();
  }
}
