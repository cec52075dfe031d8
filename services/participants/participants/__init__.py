"""Participants service: regions, cohorts, applications, assessment, selection and MoU signing."""
