-- One row per day of every window (a day of the campaign appears under its phase and under
-- 'campaign'), so window aggregates are equality joins on the date rather than range joins.
SELECT w.phase, CAST(d.date AS DATE) AS date, w.start_date, w.end_date
FROM windows w,
     LATERAL (SELECT unnest(generate_series(CAST(w.start_date AS TIMESTAMP), CAST(w.end_date AS TIMESTAMP),
                                            INTERVAL 1 DAY)) AS date) d
