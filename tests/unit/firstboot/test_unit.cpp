// The first-boot unit's ordering against the services it starts and waits for.
#include <catch2/catch.hpp>

#include "firstboot/run.hpp"

TEST_CASE("the first-boot unit is not ordered before the services it waits for") {
  // firstboot starts kafka.service and waits for it to be healthy. Ordered Before= it, systemd
  // holds every start job of kafka.service, Restart= included, until the first-boot unit ends:
  // a broker that failed once during its first boot (a registration timeout while the
  // controllers were still electing, seen in the image tier) stayed down until the wait ran out.
  const std::string unit = ka::firstboot::firstboot_unit();
  CHECK(unit.find("\nBefore=") == std::string::npos);
  CHECK(unit.find("After=network-online.target") != std::string::npos);
  CHECK(unit.find("ConditionPathExists=!/var/lib/kafka-appliance/firstboot.done") != std::string::npos);
}
