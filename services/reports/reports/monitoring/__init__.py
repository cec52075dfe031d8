"""The monitoring report: which regions report each period, on time or late, accepted or returned, and which
do not report at all."""
