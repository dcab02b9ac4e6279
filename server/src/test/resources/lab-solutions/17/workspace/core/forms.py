from django import forms

from .models import User


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email.endswith("@mailinator.com"):
            raise forms.ValidationError("Disposable addresses are not allowed.")
        return email
