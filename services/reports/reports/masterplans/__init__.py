"""The master plans report: approved plans, initiatives per dimension and element, quick wins, horizons."""
