package dev.livesync.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory as the file system sees it, so that two paths can be compared however they were
 * written: {@link #path()} has the symlinks of its existing part resolved (a part that does not exist
 * yet is kept as written, as rsync will create it), and {@link #ancestors()} holds the identity
 * (device and inode) of every existing directory from the deepest one up to {@code /}. Two paths that
 * reach one directory through a bind mount have different real paths but the same identity; and
 * {@link #location()} says where the path is in its filesystem, whatever mount shows it (a bind mount
 * of a directory deep inside another tree is inside that tree).
 */
public record RealPath(Path path, List<Object> ancestors, boolean exists, String location) {
  public RealPath {
    ancestors = List.copyOf(ancestors);
  }

  /** {@code p} (absolute) resolved as far as it exists. */
  public static RealPath of(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.isDirectory(existing)) existing = existing.getParent();
    if (existing == null) return new RealPath(abs, List.of(), false, null);
    Path real;
    try {
      real = existing.toRealPath();
    } catch (IOException e) {
      return new RealPath(abs, List.of(), false, null);
    }
    List<Object> ids = new ArrayList<>();
    for (Path a = real; a != null; a = a.getParent()) {
      Object key = key(a);
      if (key != null) ids.add(key);
    }
    String at = Mounts.location(real);
    Path rest = existing.relativize(abs);
    if (at != null && !rest.toString().isEmpty()) at = at + "/" + rest;
    return new RealPath(real.resolve(rest), ids, existing.equals(abs), at);
  }

  private static Object key(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /** The identity of this directory itself; null when it does not exist (yet). */
  public Object identity() {
    return exists && !ancestors.isEmpty() ? ancestors.getFirst() : null;
  }

  /** True when this is {@code other} or lies below it: by real path, or through a bind mount by identity. */
  public boolean within(RealPath other) {
    if (path.startsWith(other.path)) return true;
    if (location != null && other.location != null && Path.of(location).startsWith(Path.of(other.location))) return true;
    Object id = other.identity();
    return id != null && ancestors.contains(id);
  }

  /** True when this is {@code other}: the same real path, or the same directory (identity). */
  public boolean same(RealPath other) {
    if (path.equals(other.path)) return true;
    if (location != null && location.equals(other.location)) return true;
    Object id = identity();
    return id != null && id.equals(other.identity());
  }
}
