"""Scenario tests for process designers: `traject test [PATH]`.

Designers write scenarios as data (`*.scenario.yaml`: start data, then steps such as "complete task X
with data", "advance the clock by P30D", "expect task Y open"); this package runs them against the
real engine in a temporary database and measures which flow nodes they reached.

model (reading and checking files) -> runner (one case per scenario) -> coverage -> report; suite ties
them together for the command. Import the submodules; this one stays empty so `engine` stays cheap.
"""
