"""Staff sign-in: the client's address for the lockout, the admin's login form with an
optional one-time code, OpenID Connect against the organisation's identity provider,
and the page where staff set up their second factor.

The rules themselves come from libraries: django-axes counts failed logins and locks
out, django-otp checks the codes, mozilla-django-oidc speaks OpenID Connect.
"""

import base64
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from bodies.rights import roles_of
from samverkan.auth import NoModelPermissions

logger = logging.getLogger(__name__)


def client_ip(request):
    """The visitor's address for the login lockout.

    Behind the TLS proxy (``BEHIND_TLS_PROXY``) every request comes from the proxy, so
    the address it appends to ``X-Forwarded-For`` is used: the last entry, the only
    one the proxy vouches for (earlier entries are whatever the client sent).
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: a page in Swedish, 429 Too Many Requests."""
    from django.contrib import admin

    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "signin/locked_out.html", context, status=429)


def second_factor_required(user):
    """Whether the user must confirm sign-in with a one-time code to use the admin.

    Everyone who has set up an authenticator app uses it; registry secretaries must
    have one when ``OTP_REQUIRED_FOR_REGISTRY_SECRETARY`` is on.
    """
    if not (user.is_authenticated and user.is_staff):
        return False
    if confirmed_device(user) is not None:
        return True
    return settings.OTP_REQUIRED_FOR_REGISTRY_SECRETARY and roles_of(user).registry_secretary


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def needs_second_factor(request):
    """Whether the signed-in user still owes a one-time code; asked once per request."""
    if not hasattr(request, "_needs_second_factor"):
        user = request.user
        request._needs_second_factor = second_factor_required(user) and not user.is_verified()
    return request._needs_second_factor


class AdminLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin's login: user name, password, and a one-time code for those who have one."""

    otp_token = forms.CharField(
        label=_("Engångskod"),
        required=False,
        help_text=_("Sex siffror från din autentiseringsapp, om du har tvåstegsverifiering."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
        ),
    )
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Ange engångskoden från din autentiseringsapp."),
        "invalid_token": _("Fel engångskod. Kontrollera koden i appen och försök igen."),
        "n_failed_attempts": _(
            "För många felaktiga engångskoder. Vänta en stund och försök sedan igen."
        ),
        "verification_not_allowed": _("Engångskoden kan inte kontrolleras just nu."),
        "device_required": _("Ange engångskoden från din autentiseringsapp."),
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        device = confirmed_device(user) if user else None
        if device is not None:
            # One app per person: the code is checked against it, no device to choose.
            self.cleaned_data["otp_device"] = device.persistent_id
            self.clean_otp(user)
        return cleaned


class StaffOIDCBackend(NoModelPermissions, OIDCAuthenticationBackend):
    """Signs in existing, active staff by the e-mail address the provider vouches for.

    Nobody is created and nothing about a user is changed: the registry secretary
    decides who is staff and with which role, in the admin.
    """

    def authenticate(self, request, **kwargs):
        # A token that fails a check ends as a failed sign-in with a message on the login
        # page, not as a bare "400 Bad Request".
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as error:
            logger.warning("Sign-in with the identity provider refused: %s", error)
            return None

    def verify_token(self, token, **kwargs):
        # The library checks signature and nonce; the token must also be meant for us.
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued for another client.")
        return payload

    def verify_claims(self, claims):
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims):
        email = claims.get("email", "")
        return self.UserModel.objects.filter(email__iexact=email, is_active=True, is_staff=True)

    def create_user(self, claims):
        return None

    def update_user(self, user, claims):
        return user


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Engångskod"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                gettext("Fel engångskod. Kontrollera koden i appen och försök igen.")
            )
        return code


@login_required(login_url="admin:login")
def second_factor(request):
    """Set up an authenticator app (scan, confirm with a first code), or confirm a sign-in.

    Reached from the admin's user tools, and by a registry secretary who must use a
    second factor and has signed in with a password only.
    """
    user = request.user
    if not user.is_staff:
        raise PermissionDenied
    device = confirmed_device(user)
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=gettext("Autentiseringsapp"), confirmed=False
            )
    elif user.is_verified():
        return render(request, "signin/second_factor.html", _context(request, done=True))
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(request, gettext("Tvåstegsverifieringen är påslagen."))
        otp_login(request, device)
        return redirect(reverse("admin:index"))
    context = _context(request, form=form, setting_up=setting_up)
    if setting_up:
        context |= {
            "qr_code": _qr_svg(device.config_url),
            "secret": base64.b32encode(device.bin_key).decode(),
        }
    return render(request, "signin/second_factor.html", context)


def _context(request, **extra):
    from django.contrib import admin

    return {
        **admin.site.each_context(request),
        "title": gettext("Tvåstegsverifiering"),
        **extra,
    }


def _qr_svg(text):
    """The app's set-up address as an inline SVG QR code (no script, no external image)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    label = format_html(
        '<svg role="img" aria-label="{}" ', gettext("QR-kod att skanna med autentiseringsappen")
    )
    return mark_safe(svg.replace("<svg ", label, 1))
