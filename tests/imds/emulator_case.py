"""What the IMDS tests share (test_imds_client, test_imds_emulator): the instances of
tests/imds/instances, and a test case with an emulator of controller-1 running on 127.0.0.1."""
import json
import os
import unittest

import imds_emulator

INSTANCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "instances")


def load(name):
    """An instance of tests/imds/instances, as the emulator takes it."""
    with open(os.path.join(INSTANCES, name)) as f:
        return json.load(f)


class EmulatorCase(unittest.TestCase):
    """self.emu serves controller-1; self.ctl is its control URL (faults, the instance)."""

    def setUp(self):
        self.emu = imds_emulator.Emulator(load("controller-1.json")).start()
        self.ctl = f"http://127.0.0.1:{self.emu.control_port}"

    def tearDown(self):
        self.emu.stop()
