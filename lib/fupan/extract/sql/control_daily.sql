-- Day × series for difference-in-differences: GMV (lines of orders not cancelled, before refunds,
-- dated by the order's first line) of the card's control categories ('control'), of each declared
-- substitute or complement SKU ('sku:<sku>'), and of every other line ('promoted').
-- Reads the temp table control_keys(kind, key): kind 'category' or 'sku'. (Joins rather than
-- IN-subqueries inside CASE, which Spark refuses.)
SELECT o.order_date AS date,
       CASE WHEN c.key IS NOT NULL THEN 'control'
            WHEN s.key IS NOT NULL THEN 'sku:' || o.sku
            ELSE 'promoted' END AS series,
       CAST(sum(CAST(o.paid_amount AS DECIMAL(18, 2))) AS DOUBLE) AS gmv
FROM order_lines o
LEFT JOIN (SELECT DISTINCT key FROM control_keys WHERE kind = 'category') c ON c.key = o.category
LEFT JOIN (SELECT DISTINCT key FROM control_keys WHERE kind = 'sku') s ON s.key = o.sku
GROUP BY 1, 2
ORDER BY 1, 2
