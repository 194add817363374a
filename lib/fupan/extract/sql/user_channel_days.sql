-- Staging for every behaviour query: one row per (day, channel, customer key) seen in the events
-- from the first day of the baseline to the end of the last window, with the funnel steps the
-- customer reached in that channel that day as the bits of `steps` (visit 1, view 2, cart 4,
-- order 8, pay 16: the contract's five events) and the smallest and largest A/B variant seen.
-- The events are read once, here (the pseudonymised user_id joined once); every distinct count of
-- behaviour_daily.sql, behaviour_window.sql and ab_arms.sql is then a count of these rows,
-- regrouped, instead of a count(DISTINCT) over the events. Each user is a 64-bit key
-- (hash(user_id), the customer analyses' key: distinct counts over 10⁶ users differ from counts
-- over the ids themselves only on a hash collision, ~10⁻⁸).
SELECT CAST(event_time AS DATE) AS date,
       channel,
       hash(user_id)                  AS user_key,
       bit_or(CASE event WHEN 'visit' THEN 1 WHEN 'view' THEN 2 WHEN 'cart' THEN 4
                         WHEN 'order' THEN 8 WHEN 'pay' THEN 16 ELSE 0 END) AS steps,
       min(variant)                   AS variant_min,
       max(variant)                   AS variant_max
FROM events
WHERE CAST(event_time AS DATE) BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
GROUP BY 1, 2, 3
