-- The orders whose lines fall on more than one day, with the day the order counts on (its first
-- line's). Every other line's own day is its order's, so order_lines.sql dates lines by probing
-- this small table instead of joining every line to order_level (at 10M lines and 8M orders the
-- join cost 0.8 s per query that needed it; the probe 0.1 s).
SELECT order_id, order_date
FROM order_level
WHERE last_date <> order_date
