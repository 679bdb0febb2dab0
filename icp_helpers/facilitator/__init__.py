"""Running a cohort: the ``icp`` facilitator commands, from schedule and roster to a report.

One module per thing a facilitator names: :mod:`.cohort` (the schedule), :mod:`.cohort_calendar`,
:mod:`.cohort_folder` (the cohort's nbgrader course folder), :mod:`.roster`, :mod:`.release`,
:mod:`.collect`, :mod:`.grade`, :mod:`.feedback`, :mod:`.report` (with :mod:`.grades_csv`)
and :mod:`.dashboard`,
:mod:`.demo`; :mod:`.privacy` and :mod:`.gradebook` keep personal data private and say where
the gradebook lives.
"""
