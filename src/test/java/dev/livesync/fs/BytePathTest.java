package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class BytePathTest {
  /** A name: any bytes but '/' and NUL (non-UTF-8 included), 1 to 5 of them; a few letters, so that names repeat. */
  @Provide
  Arbitrary<byte[]> names() {
    Arbitrary<Byte> any = Arbitraries.bytes().filter(b -> b != '/' && b != 0);
    Arbitrary<Byte> few = Arbitraries.of((byte) 'a', (byte) 'b', (byte) '.', (byte) 0xff, (byte) '-');
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, any), net.jqwik.api.Tuple.of(3, few)).array(byte[].class).ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<byte[]>> paths() {
    return names().list().ofMinSize(1).ofMaxSize(5);
  }

  private static BytePath join(List<byte[]> names) {
    BytePath p = BytePath.EMPTY;
    for (byte[] n : names) p = p.resolve(n);
    return p;
  }

  private static byte[] joined(List<byte[]> names) {
    var out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) out.write('/');
      out.writeBytes(names.get(i));
    }
    return out.toByteArray();
  }

  @Property
  void resolveThenParentAndNameGiveThePartsBack(@ForAll("paths") List<byte[]> dir, @ForAll("names") byte[] name) {
    BytePath d = join(dir);
    BytePath p = d.resolve(name);
    assertThat(p.toByteArray()).isEqualTo(Bytes.child(joined(dir), name));
    assertThat(p.parent()).isEqualTo(d);
    assertThat(p.name()).isEqualTo(BytePath.of(name));
    assertThat(p.parent().resolve(p.name())).isEqualTo(p);
    assertThat(BytePath.EMPTY.resolve(name)).isEqualTo(BytePath.of(name));
    assertThat(BytePath.of(name).parent()).isEqualTo(BytePath.EMPTY);
  }

  @Property
  void ancestorsAreEachPrefixEndingBeforeASlashNearestFirst(@ForAll("paths") List<byte[]> names) {
    BytePath p = join(names);
    List<BytePath> want = new ArrayList<>();
    for (int k = names.size() - 1; k >= 1; k--) want.add(BytePath.of(joined(names.subList(0, k))));
    List<BytePath> got = new ArrayList<>();
    p.ancestors().forEach(got::add);
    assertThat(got).containsExactlyElementsOf(want);
    for (BytePath a : got) {
      assertThat(a.isAncestorOf(p)).isTrue();
      assertThat(p.isUnder(a)).isTrue();
      assertThat(a.isUnder(p)).isFalse();
      assertThat(a.hashCode()).isEqualTo(Arrays.hashCode(a.toByteArray()));
    }
    assertThat(p.isUnder(p)).isTrue();
    assertThat(p.isAncestorOf(p)).isFalse();
    assertThat(p.isUnder(BytePath.EMPTY)).isTrue();
  }

  @Property
  void isUnderFollowsTheSlashRule(@ForAll("paths") List<byte[]> a, @ForAll("paths") List<byte[]> b) {
    BytePath p = join(a), dir = join(b);
    assertThat(p.isUnder(dir)).isEqualTo(Bytes.isUnder(p.toByteArray(), dir.toByteArray()));
    Set<BytePath> dirs = Set.of(dir);
    assertThat(p.isUnderAny(dirs, true)).isEqualTo(p.isUnder(dir));
    assertThat(p.isUnderAny(dirs, false)).isEqualTo(dir.isAncestorOf(p));
  }

  @Property
  void orderEqualityAndHashAreThoseOfTheBytes(@ForAll("paths") List<byte[]> a, @ForAll("paths") List<byte[]> b) {
    BytePath x = join(a), y = join(b);
    byte[] xb = x.toByteArray(), yb = y.toByteArray();
    assertThat(Integer.signum(x.compareTo(y))).isEqualTo(Integer.signum(Arrays.compareUnsigned(xb, yb)));
    assertThat(x.equals(y)).isEqualTo(Arrays.equals(xb, yb));
    assertThat(x.hashCode()).isEqualTo(Arrays.hashCode(xb));
    // an ancestor against a copy of the same bytes
    BytePath up = x.parent(), copy = BytePath.of(up.toByteArray());
    assertThat(up).isEqualTo(copy).hasSameHashCodeAs(copy);
    assertThat(Integer.signum(up.compareTo(y))).isEqualTo(Integer.signum(Arrays.compareUnsigned(up.toByteArray(), yb)));
  }

  @Test
  void bytesAreCopiedInAndOut() {
    byte[] b = Bytes.of("a/b");
    BytePath p = BytePath.of(b);
    b[0] = 'x';
    assertThat(p).isEqualTo(BytePath.of("a/b"));
    p.toByteArray()[0] = 'y';
    assertThat(p).isEqualTo(BytePath.of("a/b"));
    assertThat(p.parent().unsafeArray()).isEqualTo(Bytes.of("a"));
  }

  @Test
  void worksAsAKeyWhereArraysCannot() {
    Set<BytePath> set = new HashSet<>(List.of(BytePath.of("a/b"), BytePath.of("a/b/c").parent()));
    assertThat(set).containsExactly(BytePath.of("a/b"));
  }

  @Test
  void printsAsTheLogsPrintBytePaths() {
    byte[] raw = {'d', (byte) 0xff, '/', 'f', '\n'};
    assertThat(BytePath.of(raw)).hasToString(Bytes.display(raw)).hasToString("d\\xff/f\\x0a");
    assertThat(BytePath.of(raw).parent()).hasToString("d\\xff");
    assertThat(BytePath.EMPTY).hasToString("");
  }

  @Test
  void aLeadingSlashIsNotAParent() {
    assertThat(BytePath.of("/a").parent()).isEqualTo(BytePath.EMPTY);
    assertThat(BytePath.of("/a/b").parent()).isEqualTo(BytePath.of("/a"));
    assertThat(BytePath.of("a/").resolve(Bytes.of("b"))).isEqualTo(BytePath.of("a/b"));
    assertThat(BytePath.of("a").resolve(BytePath.EMPTY)).isEqualTo(BytePath.of("a"));
  }
}
