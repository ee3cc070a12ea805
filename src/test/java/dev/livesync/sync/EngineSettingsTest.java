package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.settings.MaxDelete;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TargetSpec;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A reload (SIGHUP) keeps a sync running when its settings are equal to what it runs with, and
 * restarts it when they differ: the source is a byte[], so equality is written by hand and must
 * take in every setting.
 */
class EngineSettingsTest {
  private static EngineSettings settings(String source) {
    return EngineSettings.builder("www", Bytes.of(source))
        .target(TargetSpec.of("/backup/www", TargetOptions.defaults()))
        .stateDir(Path.of("/var/lib/livesync/www"))
        .exec("logger synced")
        .schedule(Duration.ofHours(1))
        .build();
  }

  @Test
  void theSameSettingsReadAgainAreEqualThoughTheSourceIsAnotherArray() {
    EngineSettings before = settings("/data/www");
    EngineSettings after = settings("/data/www");
    assertThat(after.source()).isNotSameAs(before.source());
    assertThat(after).isEqualTo(before).hasSameHashCodeAs(before);
    assertThat(settings("/data/www2")).isNotEqualTo(before);
  }

  @Test
  void everySettingTakesPartInEquality() throws Exception {
    EngineSettings base = settings("/data/www");
    RecordComponent[] parts = EngineSettings.class.getRecordComponents();
    Constructor<EngineSettings> canonical =
        EngineSettings.class.getDeclaredConstructor(Arrays.stream(parts).map(RecordComponent::getType).toArray(Class<?>[]::new));
    for (int i = 0; i < parts.length; i++) {
      Object[] values = new Object[parts.length];
      for (int j = 0; j < parts.length; j++) values[j] = parts[j].getAccessor().invoke(base);
      values[i] = other(values[i]);
      assertThat(canonical.newInstance(values)).as("settings differing in %s", parts[i].getName()).isNotEqualTo(base);
    }
  }

  /** A value of the same type as {@code v}, unequal to it. */
  private static Object other(Object v) {
    return switch (v) {
      case String s -> s + "x";
      case byte[] b -> Bytes.concat(b, Bytes.of("x"));
      case List<?> l -> List.of();
      case Excludes e -> new Excludes(List.of("*.tmp"));
      case Duration d -> d.plusMillis(1);
      case Integer n -> n + 1;
      case Long n -> n + 1;
      case DeletePolicy p -> p == DeletePolicy.NEVER ? DeletePolicy.ALWAYS : DeletePolicy.NEVER;
      case Path p -> p.resolve("x");
      case WatcherChoice.Kind k -> k == WatcherChoice.Kind.FANOTIFY ? WatcherChoice.Kind.INOTIFY : WatcherChoice.Kind.FANOTIFY;
      case MaxDelete m -> new MaxDelete(m.percent() + 1, m.paths());
      case StartupMode m -> m == StartupMode.FULL ? StartupMode.CHANGES : StartupMode.FULL;
      default -> throw new AssertionError("no other value for a " + v.getClass().getName() + ": add one here");
    };
  }
}
