// The differential oracle for `validate`: loads each properties file exactly as kafka-server-start
// does (Utils.loadProps) and constructs kafka.server.KafkaConfig from it, which parses every key
// with its ConfigDef and runs KafkaConfig's start-up checks (validateValues). Then the first
// steps kafka.Kafka takes with that config before it touches disk or network (startup()):
//   - 3.x ZooKeeper mode (KafkaServer): the ZooKeeper client parses zookeeper.connect
//     (ConnectStringParser, then StaticHostProvider, which refuses an empty host list) before it
//     connects: `zookeeper.connect=` passes KafkaConfig but fails here.
//   - 4.x without process.roles (4.0/4.1 accept an empty list): KafkaRaftServer reads
//     meta.properties, which only `kafka-storage.sh format` writes, and format refuses such a
//     config first thing (StorageTool.runFormatCommand; called with no arguments, so it stops at
//     that check and can never reach a directory).
// Prints one line per file: "FILE<TAB>accept" or "FILE<TAB>refuse<TAB>Kafka's message". Run with a
// release's jars:
//   java -cp 'libs/*' KafkaConfigCheck.java FILE...
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Properties;

public class KafkaConfigCheck {
  static Class<?> optional(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  // What kafka.Kafka does with an accepted config before it touches disk or network.
  static void startup(Object config) throws Exception {
    Object roles = config.getClass().getMethod("processRoles").invoke(config);
    boolean noRoles = (Boolean) roles.getClass().getMethod("isEmpty").invoke(roles);
    if (!noRoles) return;
    Class<?> zkParser = optional("org.apache.zookeeper.client.ConnectStringParser");
    if (optional("kafka.server.KafkaServer") != null && zkParser != null) {  // 3.x: a ZooKeeper-mode broker
      String connect = (String) config.getClass().getMethod("zkConnect").invoke(config);
      Object parser = zkParser.getConstructor(String.class).newInstance(connect);
      Object addresses = zkParser.getMethod("getServerAddresses").invoke(parser);
      Class.forName("org.apache.zookeeper.client.StaticHostProvider").getConstructor(Collection.class).newInstance(addresses);
      return;
    }
    Class<?> storageTool = optional("kafka.tools.StorageTool");
    if (storageTool == null) return;
    for (Method m : storageTool.getMethods()) {
      if (m.getName().equals("runFormatCommand") && m.getParameterCount() == 3) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try {
          m.invoke(null, null, config, quiet);
        } catch (InvocationTargetException e) {
          if (e.getCause() instanceof NullPointerException) return;  // past the config checks, at the missing arguments
          throw e;
        }
        return;
      }
    }
  }

  public static void main(String[] files) throws Exception {
    Method load = Class.forName("org.apache.kafka.common.utils.Utils").getMethod("loadProps", String.class);
    Method fromProps = Class.forName("kafka.server.KafkaConfig").getMethod("fromProps", Properties.class);
    StringBuilder out = new StringBuilder();
    for (String f : files) {
      String verdict;
      String stage = "";
      try {
        Properties p = (Properties) load.invoke(null, f);
        Object config = fromProps.invoke(null, p);
        stage = " [start-up: " + (optional("kafka.server.KafkaServer") != null ? "ZooKeeper client" : "kafka-storage.sh format") + "]";
        startup(config);
        verdict = "accept";
      } catch (InvocationTargetException e) {
        Throwable c = e.getCause();
        String m = String.valueOf(c.getMessage()).replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        verdict = "refuse\t" + c.getClass().getSimpleName() + ": " + m + stage;
      }
      out.append(f).append('\t').append(verdict).append('\n');
    }
    System.out.print(out);
  }
}
