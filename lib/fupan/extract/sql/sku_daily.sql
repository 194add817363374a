-- Day × SKU: stock on hand (inventory table; a SKU's rows of one day — one per warehouse — summed)
-- with units, GMV and COGS sold that day (orders not cancelled; an order line is dated by its
-- order's first line).
WITH stock AS (
    SELECT date, sku, sum(on_hand) AS on_hand, sum(on_order) AS on_order
    FROM inventory
    GROUP BY 1, 2
), sold AS (
    SELECT o.order_date AS date, o.sku,
           sum(o.quantity)                                            AS units,
           CAST(sum(CAST(o.paid_amount AS DECIMAL(18, 2))) AS DOUBLE)  AS gmv,
           CAST(sum(CAST(o.unit_cost * o.quantity AS DECIMAL(18, 4))) AS DOUBLE) AS cogs,
           avg(o.unit_cost)                                           AS unit_cost
    FROM order_lines o
    WHERE o.sku IS NOT NULL
    GROUP BY 1, 2
)
SELECT i.date, i.sku, i.on_hand, i.on_order,
       coalesce(s.units, 0) AS units, coalesce(s.gmv, 0) AS gmv, coalesce(s.cogs, 0) AS cogs, s.unit_cost
FROM stock i
LEFT JOIN sold s ON s.date = i.date AND s.sku = i.sku
WHERE i.date BETWEEN CAST((SELECT min(start_date) FROM windows) - INTERVAL 30 DAY AS DATE)
                 AND (SELECT max(end_date) FROM windows)
ORDER BY 1, 2
