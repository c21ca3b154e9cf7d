"""登记: the registration form (form.py) and its parts: 信访人 rows, 反映问题, 附件 and the side panels."""
