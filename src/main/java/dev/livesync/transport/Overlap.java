package dev.livesync.transport;

import dev.livesync.fs.RealPath;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether a target lies inside its source (or around it), or two targets in one another — compared as
 * the file system sees them, not as they are written: a target reached through a symlink or a bind
 * mount into the source is inside it ({@link RealPath}), and an ssh target on this very host
 * ({@code localhost:/dir}, {@code user@127.0.0.1:dir}) is the local directory it names. A target
 * inside its source is copied into itself without end; of two nested targets, the outer one's
 * {@code --delete} removes the inner one's files while both run. Remote targets are compared by
 * where they lead: rsync daemon targets by host (names resolved: {@code localhost} and
 * {@code 127.0.0.1} are one host), port, module and path; ssh targets by host, ssh port and path
 * (a relative path is in the login's home, so only the same login's relative paths compare). A
 * daemon target on this host is also compared with its source as the directory its module writes into
 * ({@link LocalRsyncd}).
 */
public final class Overlap {
  private Overlap() {}

  /** How {@code target} overlaps {@code source}, as words after the target's name; null when it does not. */
  public static String withSource(Path source, Target target) {
    Relation r = relation(source, target);
    if (r == null) return null;
    return switch (r.kind()) {
      case SAME -> "is the source " + source + " itself" + r.shown() + ": choose a target outside the source";
      case INSIDE -> "is inside the source " + source + r.shown()
          + ": the source would be copied into itself without end; choose a target outside the source";
      case CONTAINS -> "contains the source " + source + r.shown()
          + ": the target's deletions would remove the source itself (it is not in the tree copied there); choose a target outside the source";
    };
  }

  /**
   * How {@code target} overlaps {@code source}, the source of another sync named {@code sync} (of one
   * config), as words after the target's name; null when it does not. The target's deletions would
   * remove that sync's live files: all of them when the target holds the source (the tree copied there
   * has no such directory), those this sync's source lacks when it is the source or lies inside it.
   */
  public static String withSourceOf(String sync, Path source, Target target) {
    Relation r = relation(source, target);
    if (r == null) return null;
    String of = "the source of sync " + sync + " (" + source + ")";
    return switch (r.kind()) {
      case SAME -> "is " + of + " itself" + r.shown() + ": this sync's deletions would remove that sync's files wherever this sync's"
          + " source has none";
      case INSIDE -> "is inside " + of + r.shown() + ": this sync's deletions would remove that sync's files there, and that sync would"
          + " replicate each of this one's writes";
      case CONTAINS -> "contains " + of + r.shown() + ": this sync's deletions would remove that sync's source and the files in it";
    } + "; give each sync a target outside every sync's source";
  }

  private enum Kind { SAME, INSIDE, CONTAINS }

  private record Relation(Kind kind, String shown) {}

  /** How the directory {@code target} writes into on this host lies to {@code source}; null when apart, or not of this host. */
  private static Relation relation(Path source, Target target) {
    Path local = onThisHost(target);
    LocalRsyncd.Module module = target instanceof Target.Daemon d ? LocalRsyncd.of(d) : null;
    if (module != null) local = module.dir();
    if (local == null) return null;
    RealPath s = RealPath.of(source);
    RealPath t = RealPath.of(local);
    String shown = module == null ? shown(local, t, target) : " (it is " + t.path() + ", as " + module.how() + " says)";
    if (t.same(s)) return new Relation(Kind.SAME, shown);
    if (t.within(s)) return new Relation(Kind.INSIDE, shown);
    if (s.within(t)) return new Relation(Kind.CONTAINS, shown);
    return null;
  }

  /**
   * The directory {@code t} writes into on this host, where its deletions reach: a local target's, an
   * ssh target's on this host, or the module's of a daemon of this host ({@link LocalRsyncd}); null for
   * anything remote, or a daemon whose module is not known.
   */
  public static Path directoryOnThisHost(Target t) {
    Path local = onThisHost(t);
    if (local != null) return local;
    LocalRsyncd.Module m = t instanceof Target.Daemon d ? LocalRsyncd.of(d) : null;
    return m == null ? null : m.dir();
  }

  /** Why nested targets are refused (the words end the message). */
  public static final String NESTED = ": the outer one's deletions would remove the inner one's files and the two would race; give each target its own directory";
  /** Why two targets naming one directory are refused: there is no outer and inner one. */
  public static final String SAME = ": both would write the same files at once and race (from two syncs, each deleting the other's files); give each target its own directory";

  /**
   * How {@code a} overlaps {@code b} (another target, described by {@code bName}), as words after
   * a's name; null when they do not.
   */
  public static String between(TargetSpec a, TargetSpec b, String bName) {
    Boolean nested = nested(a, b);
    if (nested == null) return null;
    String hosts = hostsShown(a.target(), b.target()) + modulesShown(a.target(), b.target());
    if (Boolean.TRUE.equals(nested) && nested(b, a) == Boolean.TRUE) return "is the same directory as target " + bName + hosts + SAME;
    return (nested ? "is inside target " : "contains target ") + bName + hosts + NESTED;
  }

  /** TRUE: a is in b; FALSE: b is in a; null: neither. */
  private static Boolean nested(TargetSpec as, TargetSpec bs) {
    Target a = as.target(), b = bs.target();
    Path la = onThisHost(a), lb = onThisHost(b);
    if (la != null && lb != null) return realNested(la, lb);
    if (a instanceof Target.Daemon da && b instanceof Target.Daemon db) {
      Boolean byUrl = daemonsNested(da, db);
      if (byUrl != null) return byUrl;
    } else if (a instanceof Target.Ssh sa && b instanceof Target.Ssh sb && la == null && lb == null) {
      if (sshPort(as) != sshPort(bs) || !sameHost(sa.host(), sb.host())) return null;
      String pa = remotePath(sa.path()), pb = remotePath(sb.path());
      boolean absA = pa.startsWith("/"), absB = pb.startsWith("/");
      if (absA != absB) return null; // a home directory on another host is not known here
      // an absolute path is one directory whoever logs in; a relative one is in the login's home
      if (!absA && !java.util.Objects.equals(sa.user(), sb.user())) return null;
      return pathNested(Path.of("/" + pa), Path.of("/" + pb));
    }
    // a daemon of this host is the directory its module writes into, where a local target may lie too
    Path ma = la != null ? la : moduleDir(a), mb = lb != null ? lb : moduleDir(b);
    return ma != null && mb != null ? realNested(ma, mb) : null;
  }

  private static Boolean realNested(Path a, Path b) {
    RealPath ra = RealPath.of(a), rb = RealPath.of(b);
    if (ra.within(rb)) return true;
    if (rb.within(ra)) return false;
    return null;
  }

  /** Two daemon targets by where they lead: one daemon (the user names a login, not a place), one module (case-sensitive to rsyncd), the path. */
  private static Boolean daemonsNested(Target.Daemon da, Target.Daemon db) {
    if (da.port() != db.port() || !da.module().equals(db.module()) || !sameHost(da.host(), db.host())) return null;
    return pathNested(Path.of("/" + da.path()), Path.of("/" + db.path()));
  }

  /** The directory a daemon target of this host writes into ({@link LocalRsyncd}); null for any other target, or when not known. */
  private static Path moduleDir(Target t) {
    LocalRsyncd.Module m = t instanceof Target.Daemon d ? LocalRsyncd.of(d) : null;
    return m == null ? null : m.dir();
  }

  /** Said when a daemon target was compared as the directory its module writes into on this host. */
  private static String modulesShown(Target a, Target b) {
    if (a instanceof Target.Daemon da && b instanceof Target.Daemon db && daemonsNested(da, db) != null) return "";
    StringBuilder out = new StringBuilder();
    for (Target t : java.util.List.of(b, a)) {
      LocalRsyncd.Module m = t instanceof Target.Daemon d ? LocalRsyncd.of(d) : null;
      if (m != null) out.append(" (").append(t.describe()).append(" writes into ").append(RealPath.of(m.dir()).path()).append(", as ").append(m.how()).append(" says)");
    }
    return out.toString();
  }

  private static int sshPort(TargetSpec t) {
    int p = t.options().sshPort();
    return p == 0 ? 22 : p;
  }

  /** An ssh target's path with the login's home written as a relative path ({@code ~/x} and {@code x} alike). */
  static String remotePath(String p) {
    if (p.equals("~")) return ".";
    if (p.startsWith("~/")) return p.substring(2).isEmpty() ? "." : p.substring(2);
    return p;
  }

  /** Said when two targets name one host in different words. */
  private static String hostsShown(Target a, Target b) {
    String ha = host(a), hb = host(b);
    if (ha == null || hb == null || ha.equalsIgnoreCase(hb)) return "";
    return " (" + ha + " and " + hb + " are one host)";
  }

  private static String host(Target t) {
    return switch (t) {
      case Target.Daemon d -> d.host();
      case Target.Ssh s -> onThisHost(s) == null ? s.host() : null;
      case Target.Local l -> null;
    };
  }

  private static Boolean pathNested(Path a, Path b) {
    a = a.normalize();
    b = b.normalize();
    if (a.startsWith(b)) return true;
    if (b.startsWith(a)) return false;
    return null;
  }

  /**
   * Whether two host names (or addresses) reach one host: written alike, both this host
   * ({@code localhost}, {@code 127.0.0.1}, {@code ::1}, an address of this host), or resolving to a
   * common address. A name that does not resolve is compared as written.
   */
  static boolean sameHost(String a, String b) {
    if (a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT))) return true;
    if (isThisHost(a) && isThisHost(b)) return true;
    try {
      var addresses = new java.util.HashSet<>(java.util.Arrays.asList(InetAddress.getAllByName(a)));
      for (InetAddress x : InetAddress.getAllByName(b)) {
        if (addresses.contains(x)) return true;
      }
    } catch (UnknownHostException e) {
      return false;
    }
    return false;
  }

  private static String shown(Path written, RealPath real, Target target) {
    boolean viaSsh = target instanceof Target.Ssh;
    if (!viaSsh && real.path().equals(written)) return "";
    return " (" + (viaSsh ? "on this host, " : "") + "it is " + real.path() + ")";
  }

  /**
   * The directory {@code t} names on this host: a local target's, or an ssh target's whose host is
   * this one (a relative path is in the login's home); null for anything remote.
   */
  public static Path onThisHost(Target t) {
    return switch (t) {
      case Target.Local l -> l.dir();
      case Target.Ssh s -> isThisHost(s.host()) ? sshPath(s) : null;
      case Target.Daemon d -> null;
    };
  }

  private static Path sshPath(Target.Ssh s) {
    String p = s.path();
    if (p.startsWith("/")) return Path.of(p).normalize();
    if (p.equals("~")) p = "";
    else if (p.startsWith("~/")) p = p.substring(2);
    else if (p.startsWith("~")) return null; // ~other/...: another user's home, as the remote shell expands it
    Path home = home(s.user());
    return home == null ? null : home.resolve(p).normalize();
  }

  /** The home directory of {@code user} (null: the user running livesync) from /etc/passwd; null when unknown. */
  static Path home(String user) {
    if (user == null || user.equals(System.getProperty("user.name"))) return Path.of(System.getProperty("user.home"));
    try {
      for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
        String[] f = line.split(":", -1);
        if (f.length >= 6 && f[0].equals(user)) return Path.of(f[5]);
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private record Seen(boolean thisHost, long atNanos) {}

  private static final java.util.Map<String, Seen> seen = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * True when {@code host} is a loopback name or address, or an address of one of this host's
   * interfaces. Kept for a few seconds: every run to a target asks (a name resolved, the interfaces
   * listed each time would be work on the hot path).
   */
  static boolean isThisHost(String host) {
    long now = System.nanoTime();
    Seen s = seen.get(host);
    if (s == null || now - s.atNanos() > 5_000_000_000L) {
      s = new Seen(lookIfThisHost(host), now);
      seen.put(host, s);
    }
    return s.thisHost();
  }

  private static boolean lookIfThisHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("localhost.localdomain")) return true;
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null) return true;
      }
    } catch (UnknownHostException | SocketException e) {
      return false;
    }
    return false;
  }
}
