package dev.livesync.fs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable path as bytes (paths are byte strings, see docs/decisions.md), with value equality,
 * so that it can be a map key or a record component where {@code byte[]} (identity equality) cannot.
 * Meant for paths relative to a sync's source ({@code a/b/c}: no leading or trailing slash); the
 * empty path is the source itself.
 *
 * <p>The bytes are copied in ({@link #of(byte[])}) and out ({@link #toByteArray()}). Hot paths that
 * already own an array nobody changes may hand it over with {@link #unsafeWrap} and read it back with
 * {@link #unsafeArray} without a copy. The array is the only field, so wrapping a path to look it up
 * costs one 16-byte object: the coalescer does that for every event (a field more, for a cached hash
 * or for ancestors sharing their child's array, made it 24 bytes: +8 bytes an event).
 *
 * <p>Order ({@link #compareTo}) is unsigned byte order ({@link Arrays#compareUnsigned(byte[], byte[])}),
 * which puts a directory right before what lies below it only when no sibling name sorts before '/'.
 * {@link #toString()} is {@link Bytes#display}: UTF-8 where valid, other bytes as {@code \xNN}.
 */
public final class BytePath implements Comparable<BytePath> {
  public static final BytePath EMPTY = new BytePath(Bytes.EMPTY);

  /** Never written to. */
  private final byte[] b;

  private BytePath(byte[] b) {
    this.b = b;
  }

  /** A copy of {@code bytes}. */
  public static BytePath of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new BytePath(bytes.clone());
  }

  /** The UTF-8 bytes of {@code s}. */
  public static BytePath of(String s) {
    return unsafeWrap(Bytes.of(s));
  }

  /**
   * Takes {@code bytes} without a copy, for hot paths: the caller hands it over and neither it nor
   * anyone else may change it afterwards (the engine's path arrays are never written once made).
   */
  public static BytePath unsafeWrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new BytePath(bytes);
  }

  /** Each of {@code paths} {@link #unsafeWrap wrapped}, in order. */
  public static List<BytePath> unsafeWrapAll(Collection<byte[]> paths) {
    List<BytePath> out = new ArrayList<>(paths.size());
    for (byte[] p : paths) out.add(unsafeWrap(p));
    return out;
  }

  /** Each of {@code paths} as {@link #unsafeArray}, in order. */
  public static List<byte[]> unsafeArrays(Collection<BytePath> paths) {
    List<byte[]> out = new ArrayList<>(paths.size());
    for (BytePath p : paths) out.add(p.unsafeArray());
    return out;
  }

  public int length() {
    return b.length;
  }

  public boolean isEmpty() {
    return b.length == 0;
  }

  public byte byteAt(int i) {
    return b[i];
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return b.clone();
  }

  /** The bytes without a copy, for hot paths: the caller must not change them. */
  public byte[] unsafeArray() {
    return b;
  }

  /** {@code this/child}; {@code child} when this is empty, this when child is; no doubled slash. */
  public BytePath resolve(BytePath child) {
    return b.length == 0 ? child : join(child.b);
  }

  /** As {@link #resolve(BytePath)}, for a name (or relative path) as bytes (copied). */
  public BytePath resolve(byte[] child) {
    return b.length == 0 ? of(child) : join(child);
  }

  private BytePath join(byte[] c) {
    if (c.length == 0) return this;
    int len = b.length;
    boolean slash = b[len - 1] != '/';
    byte[] out = new byte[len + (slash ? 1 : 0) + c.length];
    System.arraycopy(b, 0, out, 0, len);
    if (slash) out[len] = '/';
    System.arraycopy(c, 0, out, out.length - c.length, c.length);
    return new BytePath(out);
  }

  /** Index of the last '/' after the first byte, or -1. */
  private int lastSlash() {
    for (int i = b.length - 1; i > 0; i--) if (b[i] == '/') return i;
    return -1;
  }

  /** What is before the last slash: {@code a/b} for {@code a/b/c}; {@link #EMPTY} for a single name (or empty). */
  public BytePath parent() {
    int i = lastSlash();
    return i < 0 ? EMPTY : new BytePath(Arrays.copyOf(b, i));
  }

  /** What is after the last slash: {@code c} for {@code a/b/c}; the whole path for a single name. */
  public BytePath name() {
    int i = lastSlash();
    return i < 0 ? this : new BytePath(Arrays.copyOfRange(b, i + 1, b.length));
  }

  /**
   * The non-empty ancestors, nearest first: {@code a/b}, {@code a} for {@code a/b/c}; none for a
   * single name.
   */
  public Iterable<BytePath> ancestors() {
    return () -> new Iterator<>() {
      private BytePath next = parent();

      @Override
      public boolean hasNext() {
        return !next.isEmpty();
      }

      @Override
      public BytePath next() {
        if (next.isEmpty()) throw new NoSuchElementException();
        BytePath out = next;
        next = out.parent();
        return out;
      }
    };
  }

  /** Whether this is {@code dir} or lies below it ({@code dir/...}); everything lies below the empty path. */
  public boolean isUnder(BytePath dir) {
    int n = dir.b.length;
    if (n == 0) return true;
    return b.length >= n && Arrays.equals(b, 0, n, dir.b, 0, n) && (b.length == n || b[n] == '/');
  }

  /** Whether {@code p} lies below this ({@code this/...}), not equal to it. */
  public boolean isAncestorOf(BytePath p) {
    return p.b.length > b.length && p.isUnder(this);
  }

  /** Whether one of this path's {@link #ancestors()} (or this path itself, when {@code orSelf}) is in {@code dirs}. */
  public boolean isUnderAny(Set<BytePath> dirs, boolean orSelf) {
    if (dirs.isEmpty()) return false;
    if (orSelf && dirs.contains(this)) return true;
    for (int i = b.length - 1; i > 0; i--) if (b[i] == '/' && dirs.contains(new BytePath(Arrays.copyOf(b, i)))) return true;
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof BytePath p && Arrays.equals(b, p.b);
  }

  /** As {@link Arrays#hashCode(byte[])} of the bytes. */
  @Override
  public int hashCode() {
    return Arrays.hashCode(b);
  }

  /** Unsigned byte order, as {@link Arrays#compareUnsigned(byte[], byte[])}. */
  @Override
  public int compareTo(BytePath o) {
    return Arrays.compareUnsigned(b, o.b);
  }

  /** For logs: {@link Bytes#display}. */
  @Override
  public String toString() {
    return Bytes.display(b);
  }
}
