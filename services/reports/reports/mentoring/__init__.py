"""The mentoring report: deliverables and their reviews, workshops and attendance, mentors' load."""
