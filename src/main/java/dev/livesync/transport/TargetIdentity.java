package dev.livesync.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a target is, however it is written, as names that two livesync processes writing it can lock
 * (one lock per name): two spellings of one target share at least one name, as {@link Overlap}
 * compares targets. A directory on this host (a local target, an ssh target on this host, the
 * module of a daemon of this host) is named by the device and inode of each of its existing
 * ancestors with the names below it — a symlink or a bind mount to it shares them, and so does a
 * spelling made before the directory existed with one made after. A daemon target is named by
 * address (a name resolved, every address of this host one), port, module and path; an ssh target
 * on another host by address, ssh port and path (a relative path with its login, as it is in that
 * login's home).
 */
public final class TargetIdentity {
  private TargetIdentity() {}

  /** The names of {@code spec}'s target; never empty. */
  public static List<String> of(TargetSpec spec) {
    Set<String> out = new LinkedHashSet<>();
    Path local = Overlap.directoryOnThisHost(spec.target());
    if (local != null) out.addAll(directory(local));
    switch (spec.target()) {
      case Target.Daemon d -> {
        for (String a : addresses(d.host())) out.add("rsync " + a + " " + d.port() + " " + d.module() + " " + clean(d.path()));
      }
      case Target.Ssh s -> {
        if (local == null) {
          int port = spec.options().sshPort() == 0 ? 22 : spec.options().sshPort();
          String p = Overlap.remotePath(s.path());
          String where = p.startsWith("/") ? clean(p) : "~" + (s.user() == null ? "" : s.user()) + " " + clean(p);
          for (String a : addresses(s.host())) out.add("ssh " + a + " " + port + " " + where);
        }
      }
      case Target.Local l -> {}
    }
    if (out.isEmpty()) out.add("target " + spec.describe());
    return List.copyOf(out);
  }

  /** A path without ".", "..", doubled or trailing slashes, from "/". */
  private static String clean(String p) {
    return Path.of("/" + p).normalize().toString();
  }

  /** Every address {@code host} has (one word for all of this host's); the name as written when it does not resolve. */
  private static List<String> addresses(String host) {
    if (Overlap.isThisHost(host)) return List.of("this-host");
    try {
      List<String> out = new ArrayList<>();
      for (InetAddress a : InetAddress.getAllByName(host)) out.add(a.getHostAddress());
      return out;
    } catch (UnknownHostException e) {
      return List.of(host.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * The directory {@code dir} as (device, inode) of each existing ancestor, from the deepest up to
   * {@code /}, each with the names below it to {@code dir}; as written when nothing of it can be looked at.
   */
  static List<String> directory(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.isDirectory(existing)) existing = existing.getParent();
    List<String> out = new ArrayList<>();
    if (existing != null) {
      try {
        Path rest = existing.relativize(abs);
        for (Path a = existing.toRealPath(); a != null; a = a.getParent()) {
          Object key = Files.readAttributes(a, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
          out.add("dir " + key + (rest.toString().isEmpty() ? "" : " " + rest));
          if (a.getFileName() != null) rest = a.getFileName().resolve(rest);
        }
      } catch (IOException e) {
        out.clear();
      }
    }
    if (out.isEmpty()) out.add("dir " + abs);
    return out;
  }
}
