-- Staging for every behaviour query: one row per (day, channel, event, customer key, variant) seen
-- in the events from the first day of the baseline to the end of the last window. The events are
-- read once here (the pseudonymised user_id joined once) instead of once per query, and each user
-- is a 64-bit key (hash(user_id), the customer analyses' key: distinct counts over 10⁶ users differ
-- from counts over the ids themselves only on a hash collision, ~10⁻⁸). Distinct counts of users
-- per day, window, channel or step are the same over these rows as over the events.
SELECT CAST(event_time AS DATE) AS date,
       channel,
       event,
       hash(user_id)            AS user_key,
       variant
FROM events
WHERE CAST(event_time AS DATE) BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
GROUP BY 1, 2, 3, 4, 5
