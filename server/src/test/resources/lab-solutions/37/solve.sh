cat >> core/models.py <<'PY'


class Order(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="orders")
    number = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "number"], name="unique_order_number_per_user")]
        indexes = [models.Index(fields=["user", "-created_at"], name="order_user_latest_idx")]
PY
python manage.py makemigrations core
python manage.py migrate
