// Prints the broker/controller configuration schema of the Kafka release on the class path:
// every key of KafkaConfig's ConfigDef (which merges the log, quorum, replication, group and
// share coordinator, remote storage, ... definitions), one tab-separated line each:
//   name  type  default  validator  importance  internal  doc
// Run by scripts/gen-config-schema.sh with the release's jars from Maven Central:
//   java -cp 'libs/*' DumpConfigSchema.java
// Validators are described by their class and fields, so that validate can apply them exactly.
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;

public class DumpConfigSchema {
  public static void main(String[] args) throws Exception {
    ConfigDef def = (ConfigDef) Class.forName("kafka.server.KafkaConfig").getMethod("configDef").invoke(null);
    Map<String, ConfigDef.ConfigKey> keys = new TreeMap<>(def.configKeys());
    StringBuilder out = new StringBuilder();
    for (ConfigDef.ConfigKey k : keys.values()) {
      out.append(k.name).append('\t')
          .append(k.type.name()).append('\t')
          .append(defaultOf(k)).append('\t')
          .append(esc(validator(k.validator))).append('\t')
          .append(k.importance == null ? "" : k.importance.name()).append('\t')
          .append(k.internalConfig ? "internal" : "public").append('\t')
          .append(esc(firstSentence(k.documentation))).append('\n');
    }
    System.out.print(out);
  }

  static String defaultOf(ConfigDef.ConfigKey k) {
    if (k.defaultValue == ConfigDef.NO_DEFAULT_VALUE) return "<required>";
    if (k.defaultValue == null) return "<null>";
    return esc(ConfigDef.convertToString(k.defaultValue, k.type));
  }

  // Class(field=value;...) with list values joined by '|'. Lambda validators keep only their
  // description: their logic is a Java function, re-implemented by name where it matters.
  static String validator(ConfigDef.Validator v) throws Exception {
    if (v == null) return "";
    Class<?> c = v.getClass();
    String name = c.getName().startsWith("org.apache.kafka.common.config.ConfigDef$")
        ? c.getSimpleName() : c.getName();
    if (c.getSimpleName().equals("LambdaValidator")) return "LambdaValidator(" + v + ")";
    if (c.getSimpleName().equals("MetadataVersionValidator")) return name + "(versions=" + metadataVersions() + ")";
    List<String> fields = new ArrayList<>();
    for (Field f : c.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
      f.setAccessible(true);
      Object x = f.get(v);
      String s;
      if (x instanceof ConfigDef.Validator) s = validator((ConfigDef.Validator) x);
      else if (x instanceof Collection) s = String.join("|", ((Collection<?>) x).stream().map(String::valueOf).toList());
      else s = String.valueOf(x);
      fields.add(f.getName() + "=" + s);
    }
    return name + "(" + String.join(";", fields) + ")";
  }

  // Every string MetadataVersion.fromVersionString knows by name: each version, and its short form
  // when fromVersionString takes it (a release whose versions are all unstable, like 3.9 in 3.8,
  // has none).
  static String metadataVersions() throws Exception {
    Class<?> mv = Class.forName("org.apache.kafka.server.common.MetadataVersion");
    java.lang.reflect.Method from = mv.getMethod("fromVersionString", String.class);
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    for (Object o : (Object[]) mv.getMethod("values").invoke(null)) {
      names.add((String) mv.getMethod("version").invoke(o));
      String shortName = (String) mv.getMethod("shortVersion").invoke(o);
      try {
        from.invoke(null, shortName);
        names.add(shortName);
      } catch (java.lang.reflect.InvocationTargetException e) {
        // not a name Kafka accepts
      }
    }
    return String.join("|", names);
  }

  static String firstSentence(String doc) {
    if (doc == null) return "";
    String d = doc.replaceAll("<[^>]+>", "").replaceAll("\\s+", " ").trim();
    int i = d.indexOf(". ");
    return i < 0 ? d : d.substring(0, i + 1);
  }

  static String esc(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }
}
