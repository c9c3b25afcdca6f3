"""The check pipeline: load, judge, rules, findings. May import: targets and everything below it."""
